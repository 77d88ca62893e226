import AnalystFake
import AnalystModels
import ArgumentParser
import Demo
import DiscordModels
import Foundation
import Logging
import Poller
import Remote
import SimulatedRunner
import Simulation
import SlurmbotSettings
import Store

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Backfill a day of a simulated cluster, then ask the real endpoint every slash command. No credentials.",
        discussion: """
            The simulated cluster (60 nodes, 3 partitions, GPU nodes, a drained node, a node that goes down and
            comes back) prints the same text sinfo/squeue/scontrol print, so the demo runs the real parser and store.
            Then the interactions endpoint starts on loopback with a fresh key pair and gets every slash command,
            signed as Discord signs it; deferred replies (the charts) go to the fake Discord the tests use, which
            checks them as Discord would.
            Every answer is written to --out as the JSON Discord would receive, with its PNG charts.
            """
    )

    @Option(help: "Database to (re)create.")
    var db = "data/demo.db"

    @Option(help: "Hours of history to backfill.")
    var hours = 24

    @Option(help: "Seconds between simulated polls.")
    var interval = 300

    @Option(help: "Folder for the answers (emptied first).")
    var out = "demo-output"

    func run() async throws {
        guard hours > 0, interval > 0 else { throw ValidationError("--hours and --interval must be positive") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let directory = (db as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let clock = SimulationClock()
        let database = try Database(path: db)
        let logger = Logger(label: "slurmbot.demo")
        let poller = Poller(
            runner: SimulatedRunner(now: { clock.now }), database: database, cluster: "demo", logger: logger)
        print("Backfilling \(hours) h of the simulated cluster into \(db), one poll every \(interval) s…")
        let result = try await Backfill(poller: poller, clock: clock, hours: hours, interval: interval).run { line in
            print("  \(line)")
        }
        guard result.failed == 0 else { throw ExitCode(1) }
        print("")
        let settings = try await Settings.load()
        print(try StatusLoading.load(path: db, cluster: "demo", settings: settings), terminator: "")
        print("")
        let session = DemoSession(database: database, cluster: "demo", timeZone: settings.timeZone, logger: logger)
        let commands = try await session.commands()
        print(
            "Asking the endpoint (on 127.0.0.1, fresh key pair) \(commands.count) slash commands, signed as Discord signs them…"
        )
        try? FileManager.default.removeItem(atPath: out)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let width = commands.map(\.count).max() ?? 0
        var written = 0
        let answers = try await session.run(commands) { answer in
            written += 1
            let files = try DemoOutput.write(answer, number: written, to: out)
            let how = answer.responseType == 5 ? "deferred, then edited" : "answered at once"
            let padded = answer.command.padding(toLength: width, withPad: " ", startingAt: 0)
            print("  \(padded)  \(how) · \(answer.headline)" + files.map { " · \($0)" }.joined())
        }
        // One question through a model: Gemini's API, served on loopback by the tests' stand-in, held to the facts.
        let gemini = try FakeModelServer()
        let model = ModelAnalyst(model: GeminiModel(base: gemini.baseURL, key: gemini.key), logger: logger)
        let modelAnswers = try await session.run([DemoSession.modelQuestion], analyst: model) { answer in
            written += 1
            _ = try DemoOutput.write(answer, number: written, to: out)
            print("  \(answer.command)  through a loopback Gemini · \(answer.headline)")
        }
        await gemini.shutdown()
        let charts = (answers + modelAnswers).flatMap(\.files).count
        print("")
        print(
            "\(answers.count + modelAnswers.count) answers and \(charts) charts in \(out)/: the JSON Discord receives, and the PNGs."
        )
        // The look ahead runs on a copy: the database the next commands read stays at the present, not hours in
        // the future.
        let aheadPath = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "slurmbot-demo-ahead-\(ProcessInfo.processInfo.processIdentifier).db")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: aheadPath + suffix) }
        }
        try? FileManager.default.removeItem(atPath: aheadPath)
        try await database.run { try $0.copy(to: aheadPath) }
        let alerts = DemoAlerts(
            database: try Database(path: aheadPath), clock: clock, interval: interval, logger: logger)
        guard let followed = try await alerts.follow(maxHours: 48) else { return }
        print("")
        print(
            "Then, on a copy of the database (\(db) stays at the present), the cluster moves on, a poll every "
                + "\(interval) s with alerts on, until job \(followed.job) ends: \(followed.polls) polls, "
                + "\(Self.minutes(followed.seconds)) of cluster time. What you get:")
        for message in followed.messages {
            written += 1
            let place = message.channel.hasPrefix("dm-") ? "direct message" : "channel \(message.channel)"
            let name = String(format: "%02d-alert-%@.json", written, message.channel)
            let json = (try? JSONSerialization.jsonObject(with: Data(message.payload))).flatMap {
                try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys])
            }
            try (json ?? Data(message.payload)).write(
                to: URL(fileURLWithPath: (out as NSString).appendingPathComponent(name)))
            let decoded = try? JSONDecoder().decode(MessagePayload.self, from: Data(message.payload))
            let verdict = decoded?.embeds?.first?.description.map { "\n      \($0)" } ?? ""
            print("  \(place): \(decoded?.content ?? "")\(verdict)")
            print("      \(name)")
        }
    }

    /// "50 min", "3 h 5 min".
    static func minutes(_ seconds: Int64) -> String {
        let minutes = Int(seconds / 60)
        return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60) min"
    }
}
