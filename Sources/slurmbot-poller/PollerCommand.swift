import ArgumentParser
import Foundation
import Logging
import Poller
import SlurmbotSettings
import Remote
import Simulation
import Store

@main
struct PollerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurmbot-poller",
        abstract: "Poll a Slurm cluster once (or every N seconds) and record the snapshot in the database.",
        discussion: """
            Each poll runs one combined command (scontrol, squeue, sacct) and writes everything it learned in one
            transaction. A failed poll is recorded with its reason and the exit status says so.

            Options fall back to the environment and a .env file: SLURM_SOURCE, SLURMBOT_DB, SLURMBOT_CLUSTER,
            CHECK_INTERVAL, SLURM_SSH_TIMEOUT, SLURMBOT_RETENTION_DAYS (see .env.example).

            The ssh source (the default) logs in to SLURM_SSH_HOST as SLURM_SSH_USER with SLURM_SSH_KEY or
            SLURM_SSH_PASSWORD, through SLURM_BASTION_HOST when set, and checks both hosts' keys against
            SLURM_KNOWN_HOSTS. Record a host's key first with: slurmbot trust-host HOST[:PORT] [--via BASTION].

            Exit status: 0 stored, 1 poll failed (recorded), 2 bad usage or configuration, 3 database unusable,
            75 another poller holds the lock (this run skipped).
            """
    )

    @Option(
        help:
            "Where to poll: ssh (the head node), local (here), simulated, or fixture:DIR. Default: $SLURM_SOURCE or ssh."
    )
    var source: String?

    @Option(help: "SQLite database path. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    @Option(help: "Cluster name stored with every row. Default: $SLURMBOT_CLUSTER or 'default'.")
    var cluster: String?

    @Option(help: "Keep polling every SECONDS instead of once.")
    var every: Int?

    @Flag(help: "Keep polling every $CHECK_INTERVAL seconds (default 300), as the original tool did.")
    var loop = false

    @Option(help: "Simulated source only: fill the past HOURS of history, one poll per --interval, then stop.")
    var backfill: Int?

    @Option(help: "Seconds between polls of a backfill.")
    var interval: Int = 300

    @Option(help: "Seconds before the poll command is stopped. Default: $SLURM_SSH_TIMEOUT or 30.")
    var timeout: Int?

    @Flag(help: "Print only errors.")
    var quiet = false

    @Flag(help: "Queue the alerts this poll reveals without sending them (nor older ones); the next run sends them.")
    var noDeliver = false

    func run() async throws {
        let settings = try await Settings.load()
        let level: Logger.Level = quiet ? .error : backfill != nil ? .warning : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "slurmbot.poller")
        let setup: PollSetup
        do {
            setup = try PollSetup(
                settings: settings, source: source, db: db, cluster: cluster, timeout: timeout, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("slurmbot-poller: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let hours = backfill {
            guard setup.isSimulated else {
                FileHandle.standardError.write(Data("slurmbot-poller: --backfill needs --source simulated\n".utf8))
                throw ExitCode(2)
            }
            guard hours > 0, interval > 0 else { throw ValidationError("--backfill and --interval must be positive") }
            let lock = try setup.lock()
            let result = try await setup.backfill(hours: hours, interval: interval, progress: !quiet)
            withExtendedLifetime(lock) {}
            throw ExitCode(result.failed == 0 ? 0 : 1)
        }
        if let every = every ?? (loop ? settings.checkInterval : nil) {
            guard every > 0 else { throw ValidationError("--every and CHECK_INTERVAL must be positive") }
            while true {
                do {
                    _ = try await setup.pollWithLock(deliver: !noDeliver)
                } catch let exit as ExitCode where exit.rawValue == 75 {
                    // Another poller is running this minute; try again at the next tick.
                }
                try await Task.sleep(for: .seconds(every))
            }
        }
        throw ExitCode(try await setup.pollWithLock(deliver: !noDeliver))
    }
}
