import ArgumentParser
import Foundation
import Logging
import Poller
import Remote
import Simulation
import Store

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill a database with a day of the simulated cluster and print its status. No credentials needed.",
        discussion: """
            The simulated cluster (60 nodes, 3 partitions, GPU nodes, a drained node, a node that goes down and
            comes back) prints the same text sinfo/squeue/scontrol print, so the demo runs the real parser and store.
            """
    )

    @Option(help: "Database to (re)create.")
    var db = "data/demo.db"

    @Option(help: "Hours of history to backfill.")
    var hours = 24

    @Option(help: "Seconds between simulated polls.")
    var interval = 300

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
        let poller = Poller(
            runner: SimulatedRunner(now: { clock.now }), database: try Database(path: db), cluster: "demo",
            logger: Logger(label: "slurmbot.demo"))
        print("Backfilling \(hours) h of the simulated cluster into \(db), one poll every \(interval) s…")
        let result = try await Backfill(poller: poller, clock: clock, hours: hours, interval: interval).run { line in
            print("  \(line)")
        }
        guard result.failed == 0 else { throw ExitCode(1) }
        print("")
        print(try StatusLoading.load(path: db, cluster: "demo", settings: Settings()), terminator: "")
    }
}
