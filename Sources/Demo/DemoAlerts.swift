import DiscordAPI
import DiscordFake
import Foundation
public import Logging
import Poller
public import SimulatedRunner
public import Store

/// The demo's last act: the simulated cluster moves on, one poll per interval, until the job the demo watched has
/// ended; the poller sends its alerts to the fake Discord, so the demo can show what the watcher would receive.
public struct DemoAlerts: Sendable {
    public var database: Database
    public var clock: SimulationClock
    public var interval: Int
    public var logger: Logger

    public init(database: Database, clock: SimulationClock, interval: Int, logger: Logger) {
        self.database = database
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public struct Outcome: Sendable {
        public var job: String
        public var polls: Int
        public var seconds: Int64
        /// What the poller posted, in order.
        public var messages: [Posted]
    }

    /// One message the poller posted, as Discord received it.
    public struct Posted: Sendable {
        /// `dm-<user id>` for a direct message.
        public var channel: String
        /// The message as JSON.
        public var payload: [UInt8]
    }

    /// Nil when no job is watched; stops after `maxHours` of cluster time if the job is still running.
    public func follow(maxHours: Int) async throws -> Outcome? {
        let watched = try await database.run { connection in
            (
                try connection.watches(cluster: "demo").first { $0.kind == .job },
                try connection.latestPoll(cluster: "demo")
            )
        }
        guard let watch = watched.0, let start = watched.1?.snapshotAt else { return nil }
        let discord = try FakeDiscord(botToken: "demo")
        let clock = self.clock
        let poller = Poller(
            runner: SimulatedRunner(now: { clock.now }), database: database, cluster: "demo",
            alerts: AlertSettings(
                client: DiscordClient(baseURL: discord.baseURL, botToken: "demo"),
                hasBotToken: true),
            logger: logger)
        defer { clock.set(nil) }
        var polls = 0
        var time = start
        do {
            while time < start + Int64(maxHours) * 3600 {
                time += Int64(interval)
                clock.set(time)
                _ = try await poller.pollOnce(now: time)
                polls += 1
                // A job watch goes once its end has been announced.
                let stillWatched = try await database.run {
                    try $0.watches(cluster: "demo").contains { $0.id == watch.id }
                }
                if !stillWatched { break }
            }
        } catch {
            await discord.shutdown()
            throw error
        }
        await discord.shutdown()
        return Outcome(
            job: watch.subject, polls: polls, seconds: time - start,
            messages: discord.messages.map { Posted(channel: $0.channel, payload: $0.payload) })
    }
}
