extension Connection {
    // MARK: - Job ends not yet turned into alerts

    /// Jobs that ended (a final state, or gone from squeue) whose end has not been handled yet, oldest id first.
    public func unnoticedJobEnds(cluster: String) throws -> [JobRecord] {
        try statement(
            """
            SELECT \(Self.jobColumns) FROM jobs WHERE cluster = ? AND end_noticed IS NULL
                AND (final_state IS NOT NULL OR gone_at IS NOT NULL) ORDER BY job_id
            """
        ).query([.text(cluster)], Self.jobRecord)
    }

    /// How many of an array's tasks (or its pending remainder) are still listed and not finished.
    public func unfinishedTasks(cluster: String, arrayJobID: Int) throws -> Int {
        Int(
            try scalar(
                """
                SELECT count(*) FROM jobs WHERE cluster = ? AND array_job_id = ? AND gone_at IS NULL
                    AND final_state IS NULL
                """, [.text(cluster), .integer(Int64(arrayJobID))]
            ).int64 ?? 0)
    }

    /// Running jobs that have used at least `share` of their time limit but not all of it at `at`.
    public func jobsNearTimeLimit(cluster: String, at: Int64, share: Double) throws -> [JobRecord] {
        try statement(
            """
            SELECT \(Self.jobColumns) FROM jobs WHERE cluster = ? AND gone_at IS NULL AND state = 'RUNNING'
                AND start_time IS NOT NULL AND time_limit > 0
                AND start_time + time_limit * ? <= ? AND start_time + time_limit > ?
            """
        ).query([.text(cluster), .real(share), .integer(at), .integer(at)], Self.jobRecord)
    }

    /// Marks every end not yet handled as handled, without reading them: a cluster's first poll.
    public func markAllEndsNoticed(cluster: String, at: Int64) throws {
        try statement(
            """
            UPDATE jobs SET end_noticed = ? WHERE cluster = ? AND end_noticed IS NULL
                AND (final_state IS NOT NULL OR gone_at IS NOT NULL)
            """
        ).run([.integer(at), .text(cluster)])
    }

    /// Marks job ends as handled, so no later poll looks at them again.
    public func markEndsNoticed(cluster: String, jobIDs: [Int], at: Int64) throws {
        let mark = try statement("UPDATE jobs SET end_noticed = ? WHERE cluster = ? AND job_id = ?")
        for jobID in jobIDs { try mark.run([.integer(at), .text(cluster), .integer(Int64(jobID))]) }
    }

    // MARK: - The outbox

    /// Queues an alert unless one with the same key was ever queued. Returns whether it was added.
    @discardableResult
    public func enqueue(_ alert: OutboxAlert) throws -> Bool {
        try statement(
            """
            INSERT INTO outbox (dedup_key, cluster, created_at, destination, target, discord_user, payload,
                next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (dedup_key) DO NOTHING
            """
        ).run([
            .text(alert.dedupKey), .text(alert.cluster), .integer(alert.createdAt), .text(alert.destination.rawValue),
            .text(alert.target), SQLValue(alert.discordUser), .text(alert.payload), .integer(alert.nextAttemptAt),
        ])
        return changes == 1
    }

    /// A cluster's alerts waiting to be sent whose time has come, oldest first.
    public func dueAlerts(cluster: String, now: Int64, limit: Int = 500) throws -> [OutboxAlert] {
        try alerts(
            where: "sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND cluster = ?",
            [.integer(now), .text(cluster)], order: "id", limit: limit)
    }

    /// What could not be delivered to one person about one cluster, newest first (shown by `/watches`).
    public func undeliveredAlerts(cluster: String, discordUser: String, limit: Int = 10) throws -> [OutboxAlert] {
        try alerts(
            where: "cluster = ? AND discord_user = ? AND sent_at IS NULL AND (failed_at IS NOT NULL OR attempts > 0)",
            [.text(cluster), .text(discordUser)], order: "id DESC", limit: limit)
    }

    /// How a cluster's alerts stand: sent, waiting for a retry (with the latest error), refused for good.
    public func outboxSummary(cluster: String) throws -> OutboxSummary {
        try statement(
            """
            SELECT count(sent_at), count(*) - count(sent_at) - count(failed_at), count(failed_at),
                (SELECT last_error FROM outbox WHERE cluster = ?1 AND sent_at IS NULL AND last_error IS NOT NULL
                 ORDER BY id DESC LIMIT 1)
            FROM outbox WHERE cluster = ?1
            """
        ).query([.text(cluster)]) { row in
            OutboxSummary(sent: row.int(0), waiting: row.int(1), refused: row.int(2), lastError: row.optionalText(3))
        }.first ?? OutboxSummary(sent: 0, waiting: 0, refused: 0, lastError: nil)
    }

    /// Every alert of a cluster, oldest first.
    public func outbox(cluster: String) throws -> [OutboxAlert] {
        try alerts(where: "cluster = ?", [.text(cluster)], order: "id", limit: 1_000_000)
    }

    /// Counts an attempt before it is made, so a crash during the send still shows in the count. The alert stays
    /// due: the next run tries again at once, and the message's nonce keeps that from making a second message.
    public func markAttempt(id: Int64) throws {
        try statement("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?").run([.integer(id)])
    }

    public func markSent(id: Int64, at: Int64) throws {
        try statement("UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id = ?").run([.integer(at), .integer(id)])
    }

    /// A try that failed but may work later (Discord down, rate limited past our patience).
    public func markRetry(id: Int64, error: String, nextAttemptAt: Int64) throws {
        try statement("UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?").run([
            .text(error), .integer(nextAttemptAt), .integer(id),
        ])
    }

    /// Discord refused for good (DMs closed, unknown channel, deleted webhook): kept to be shown, never retried.
    public func markFailed(id: Int64, at: Int64, error: String) throws {
        try statement("UPDATE outbox SET failed_at = ?, last_error = ? WHERE id = ?").run([
            .integer(at), .text(error), .integer(id),
        ])
    }

    private func alerts(where condition: String, _ values: [SQLValue], order: String, limit: Int) throws
        -> [OutboxAlert]
    {
        try statement(
            """
            SELECT id, dedup_key, cluster, created_at, destination, target, discord_user, payload, attempts,
                next_attempt_at, sent_at, failed_at, last_error
            FROM outbox WHERE \(condition) ORDER BY \(order) LIMIT \(max(0, limit))
            """
        ).query(values) { row in
            OutboxAlert(
                id: row.int64(0), dedupKey: row.text(1), cluster: row.text(2), createdAt: row.int64(3),
                destination: Watch.Notify(rawValue: row.text(4)) ?? .dm, target: row.text(5),
                discordUser: row.optionalText(6), payload: row.text(7), attempts: row.int(8),
                nextAttemptAt: row.int64(9), sentAt: row.optionalInt64(10), failedAt: row.optionalInt64(11),
                lastError: row.optionalText(12))
        }
    }
}

/// How a cluster's alerts stand, for `slurmbot status`.
public struct OutboxSummary: Sendable, Hashable {
    public var sent: Int
    public var waiting: Int
    public var refused: Int
    /// The latest error of an alert not sent (waiting or refused).
    public var lastError: String?

    /// "Alerts: 12 sent, 1 waiting, 2 refused (last error: …)", or nil when there has been none.
    public var line: String? {
        guard sent + waiting + refused > 0 else { return nil }
        var text = "Alerts: \(sent) sent"
        if waiting > 0 { text += ", \(waiting) waiting to be sent" }
        if refused > 0 { text += ", \(refused) refused by Discord" }
        if let lastError, waiting + refused > 0 { text += " (last error: \(lastError.prefix(300)))" }
        return text
    }
}
