import Bot
import DiscordModels
import DiscordAPI
import Foundation
import HTTPServer
import Logging
import Poller
import Configuration
import Remote
import SimulatedRunner
import Store

/// The demo's last act: the simulated cluster moves on, one poll per interval, until the job the demo watched has
/// ended; the poller sends its alerts to a loopback Discord, so the demo can show what the watcher would receive.
struct DemoAlerts {
    var database: Database
    var clock: SimulationClock
    var interval: Int
    var logger: Logger

    struct Outcome {
        var job: String
        var polls: Int
        var seconds: Int64
        var messages: [LoopbackDiscord.Message]
    }

    /// Nil when no job is watched; stops after `maxHours` of cluster time if the job is still running.
    func follow(maxHours: Int) async throws -> Outcome? {
        let watched = try await database.run { connection in
            (
                try connection.watches(cluster: "demo").first { $0.kind == .job },
                try connection.latestPoll(cluster: "demo")
            )
        }
        guard let watch = watched.0, let start = watched.1?.snapshotAt else { return nil }
        let discord = LoopbackDiscord()
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: discord, logger: logger)
        let clock = self.clock
        let poller = Poller(
            runner: SimulatedRunner(now: { clock.now }), database: database, cluster: "demo",
            alerts: AlertSettings(
                client: DiscordClient(baseURL: "http://127.0.0.1:\(server.port)/api/v10", botToken: "demo"),
                hasBotToken: true),
            logger: logger)
        defer { clock.set(nil) }
        var polls = 0
        var time = start
        while time < start + Int64(maxHours) * 3600 {
            time += Int64(interval)
            clock.set(time)
            _ = try await poller.pollOnce(now: time)
            polls += 1
            // A job watch goes once its end has been announced.
            let stillWatched = try await database.run { try $0.watches(cluster: "demo").contains { $0.id == watch.id } }
            if !stillWatched { break }
        }
        await server.shutdown(grace: .seconds(1))
        return Outcome(job: watch.subject, polls: polls, seconds: time - start, messages: discord.messages)
    }
}
