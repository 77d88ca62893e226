public import Foundation
public import Logging
public import Remote
import SlurmKit
import SlurmbotSettings
public import Store

/// One poll cycle: run the combined command, parse it, write the snapshot in one transaction, or record why not.
///
/// A poll that fails (source unreachable, command failed, output cut short, unreadable) is stored as a failed poll
/// with a reason a person can read, and nothing partial is written: the previous snapshot stays the latest.
public struct Poller: Sendable {
    public let runner: any CommandRunner
    public let database: Database
    public let cluster: String
    public let timeout: Duration
    public let retentionDays: Int
    /// Where alerts go; nil queues them (so none is lost or repeated) without sending.
    public let alerts: AlertSettings?
    /// Who writes the summaries, and where they are posted.
    public let summaries: SummarySettings
    public let logger: Logger

    public init(
        runner: any CommandRunner, database: Database, cluster: String, timeout: Duration = .seconds(30),
        retentionDays: Int = 90, alerts: AlertSettings? = nil, summaries: SummarySettings = SummarySettings(),
        logger: Logger
    ) {
        self.alerts = alerts
        self.summaries = summaries
        self.runner = runner
        self.database = database
        self.cluster = cluster
        self.timeout = timeout
        self.retentionDays = retentionDays
        self.logger = logger
    }

    /// What one poll did.
    public enum Outcome: Sendable {
        case stored(SnapshotWriteSummary, nodes: Int, jobs: Int, notes: [String])
        case failed(reason: String)

        public var succeeded: Bool {
            if case .stored = self { true } else { false }
        }
    }

    /// Polls once. Never throws for a failed poll; throws only when even the failure cannot be recorded.
    /// - Parameter now: the poll's time (Unix seconds); the wall clock unless a backfill steps through the past.
    /// - Parameter deliver: send the outbox after the commit; false queues this poll's alerts for the next run
    ///   (`slurmbot-poller --no-deliver`, backfills).
    public func pollOnce(now: Int64 = Int64(Date().timeIntervalSince1970), deliver: Bool = true) async throws
        -> Outcome
    {
        let stopwatch = ContinuousClock.now
        let nonce = Poller.makeNonce()
        let output: CommandOutput
        do {
            output = try await runner.run(PollScript.script(nonce: nonce), timeout: timeout)
        } catch {
            return try await recordFailure(
                "\(runner.sourceDescription): \(error.description)", startedAt: now, since: stopwatch, deliver: deliver)
        }
        let snapshot: ClusterSnapshot
        do {
            snapshot = try SnapshotParser.parse(
                stdout: output.stdout, stderr: output.stderr, nonce: nonce, fallbackTime: now)
        } catch {
            var reason = error.description
            if output.status != 0, case .truncated = error { reason += "; exit status \(output.status)" }
            return try await recordFailure(reason, startedAt: now, since: stopwatch, deliver: deliver)
        }
        let durationMS = Poller.milliseconds(since: stopwatch)
        let cluster = self.cluster
        let source = runner.sourceDescription
        let retentionCutoff = Int64(retentionDays) * 86_400
        let recipients = AlertRecipients(defaultWatch: alerts?.resolvedDefaultWatch)
        let jobEnds = JobEndAlerts(cluster: cluster, recipients: recipients)
        let timeLimits = TimeLimitWarnings(cluster: cluster, recipients: recipients)
        let links = LinkProofs(cluster: cluster, recipients: recipients, canDirectMessage: alerts?.hasBotToken == true)
        let ops = opsAlerts
        do {
            let summary = try await database.run { connection in
                let previous = try connection.latestPoll(cluster: cluster)
                let failures = try connection.failuresSinceLastSuccess(cluster: cluster)
                let summary = try connection.recordSnapshot(
                    snapshot, cluster: cluster, source: source, startedAt: now, durationMS: durationMS,
                    transitions: { firstPoll, written in
                        try links.complete(connection, at: snapshot.takenAt)
                        _ = try jobEnds.queue(connection, at: snapshot.takenAt, firstPoll: firstPoll)
                        _ = try timeLimits.queue(connection, at: snapshot.takenAt)
                        try ops.queueNodeChanges(connection, written.nodeStateChanges, at: snapshot.takenAt)
                        try ops.queueSaturation(connection, at: snapshot.takenAt)
                        try ops.queueRecovered(connection, after: failures, at: snapshot.takenAt)
                    })
                // Prune once an hour, on the first poll of each hour.
                if previous.map({ $0.startedAt / 3600 != now / 3600 }) ?? false {
                    _ = try connection.prune(before: snapshot.takenAt - retentionCutoff)
                }
                return summary
            }
            logger.info(
                "poll stored",
                metadata: [
                    "cluster": "\(cluster)", "nodes": "\(snapshot.nodes.count)", "jobs": "\(snapshot.jobs.count)",
                    "nodes_changed": "\(summary.nodesChanged)", "intervals_opened": "\(summary.intervalsOpened)",
                ])
            for note in snapshot.notes { logger.notice("\(note)") }
            // Job ends first; the summary (which may wait for a model) after, and its post then.
            if deliver { await deliverAlerts() }
            if await summarize(now: now)?.posted == true, deliver { await deliverAlerts() }
            await checkpoint()
            return .stored(summary, nodes: snapshot.nodes.count, jobs: snapshot.jobs.count, notes: snapshot.notes)
        } catch let error as StoreError {
            return try await recordFailure(error.description, startedAt: now, since: stopwatch, deliver: deliver)
        }
    }

    private func recordFailure(
        _ reason: String, startedAt: Int64, since stopwatch: ContinuousClock.Instant, deliver: Bool
    ) async throws -> Outcome {
        let durationMS = Poller.milliseconds(since: stopwatch)
        logger.error("poll failed", metadata: ["cluster": "\(cluster)", "reason": "\(reason)"])
        let cluster = self.cluster
        let source = runner.sourceDescription
        let ops = opsAlerts
        try await database.run { connection in
            try connection.transaction {
                try connection.recordFailedPoll(
                    cluster: cluster, source: source, startedAt: startedAt, durationMS: durationMS, error: reason)
                try ops.queueFailing(connection, at: startedAt)
            }
        }
        if deliver { await deliverAlerts() }
        await checkpoint()
        return .failed(reason: reason)
    }

    /// Folds the poll's writes into the database file and empties the WAL, so the database stays one small file
    /// between polls; a failure here loses nothing (the WAL still holds every commit) and is only logged.
    private func checkpoint() async {
        do {
            try await database.run { try $0.checkpoint() }
        } catch {
            logger.warning("could not checkpoint the WAL", metadata: ["error": "\(error)"])
        }
    }

    /// Sends what the outbox holds (this poll's alerts and any left from before); a store error here is logged and
    /// the alerts stay queued for the next run.
    @discardableResult
    public func deliverAlerts() async -> OutboxDelivery.Report? {
        guard let alerts else { return nil }
        do {
            let report = try await OutboxDelivery(
                database: database, cluster: cluster, settings: alerts, logger: logger
            )
            .deliver()
            if report != OutboxDelivery.Report() {
                logger.info(
                    "alerts delivered",
                    metadata: [
                        "sent": "\(report.sent)", "retry_later": "\(report.retryLater)", "refused": "\(report.refused)",
                    ])
            }
            return report
        } catch {
            logger.error("alerts could not be read or marked", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private var opsAlerts: OpsAlerts {
        OpsAlerts(cluster: cluster, destination: alerts?.opsDestination, threshold: alerts?.opsFailures ?? 3)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    /// 16 random letters and digits: markers no job name can guess.
    static func makeNonce() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
