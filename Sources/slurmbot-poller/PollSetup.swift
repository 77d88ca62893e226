import ArgumentParser
import Foundation
import Logging
import Poller
import SlurmbotSettings
import Remote
import SimulatedRunner
import Simulation
import Store

/// The poller's wiring: source, database, lock, from flags falling back to settings.
struct PollSetup {
    let poller: Poller
    let databasePath: String
    let isSimulated: Bool
    let clock: SimulationClock?
    let logger: Logger

    enum Failure: Error, CustomStringConvertible {
        case unknownSource(String)

        var description: String {
            switch self {
            case .unknownSource(let name): "unknown source '\(name)'; use ssh, local, simulated or fixture:DIR"
            }
        }
    }

    init(settings: Settings, source: String?, db: String?, cluster: String?, timeout: Int?, logger: Logger) throws {
        let sourceName = source ?? settings.source
        let runner: any CommandRunner
        var clock: SimulationClock?
        switch sourceName {
        case "simulated":
            let simulated = SimulationClock()
            clock = simulated
            runner = SimulatedRunner(now: { simulated.now })
        case "local":
            runner = LocalRunner()
        case "ssh":
            let ssh = try settings.ssh()
            runner = SSHRunner(head: ssh.head, bastion: ssh.bastion, options: ssh.options, logger: logger)
        case let name where name.hasPrefix("fixture:"):
            runner = FixtureRunner(directory: String(name.dropFirst("fixture:".count)))
        default:
            throw Failure.unknownSource(sourceName)
        }
        databasePath = db ?? settings.databasePath
        let directory = (databasePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let database = try Database(path: databasePath)
        poller = Poller(
            runner: runner, database: database, cluster: cluster ?? settings.cluster,
            timeout: .seconds(timeout ?? settings.pollTimeout), retentionDays: settings.retentionDays,
            // A simulated cluster's jobs are nobody's: no alert of theirs may reach a real Discord.
            alerts: clock == nil ? try settings.alerts() : nil,
            summaries: SummarySettings(
                analyst: try settings.analyst(logger: logger),
                channel: clock == nil ? try settings.summaryChannel() : nil, every: try settings.summaryEvery()),
            logger: logger)
        isSimulated = clock != nil
        self.clock = clock
        self.logger = logger
    }

    /// Fills the past `hours` from the simulated cluster, one poll per `interval` seconds.
    func backfill(hours: Int, interval: Int, progress: Bool) async throws -> Backfill.Result {
        guard let clock else { throw Failure.unknownSource("backfill needs the simulated source") }
        return try await Backfill(poller: poller, clock: clock, hours: hours, interval: interval).run(
            progress: progress ? { FileHandle.standardError.write(Data("backfill: \($0)\n".utf8)) } : nil)
    }

    func lock() throws -> PollLock {
        do {
            return try PollLock(path: databasePath + ".lock")
        } catch {
            logger.warning("\(error.description)")
            throw ExitCode(75)
        }
    }

    /// One poll under the lock; returns the process exit status for it.
    func pollWithLock(deliver: Bool = true) async throws -> Int32 {
        let lock = try lock()
        defer { withExtendedLifetime(lock) {} }
        do {
            return try await poller.pollOnce(deliver: deliver).succeeded ? 0 : 1
        } catch {
            logger.critical("cannot record the poll: \(error)")
            return 3
        }
    }
}
