public import ClusterFacts
public import SlurmKit

extension Connection {
    /// Clusters with at least one poll, in natural order.
    public func clusters() throws -> [String] {
        try statement("SELECT DISTINCT cluster FROM polls").query { $0.text(0) }.naturallySorted()
    }

    /// The newest poll attempt, failed or not.
    public func latestPoll(cluster: String) throws -> PollRecord? {
        try polls(where: "cluster = ?", [.text(cluster)], limit: 1).first
    }

    /// The newest poll that produced a snapshot.
    public func latestSuccessfulPoll(cluster: String) throws -> PollRecord? {
        try polls(where: "cluster = ? AND ok = 1", [.text(cluster)], limit: 1).first
    }

    /// The oldest snapshot kept: how far back the history reaches, so statistics can say the span they cover.
    public func firstSnapshotAt(cluster: String) throws -> Int64? {
        try statement("SELECT MIN(snapshot_at) FROM polls WHERE cluster = ? AND ok = 1").query([.text(cluster)]) {
            $0.optionalInt64(0)
        }.first ?? nil
    }

    /// The newest polls first.
    public func recentPolls(cluster: String, limit: Int) throws -> [PollRecord] {
        try polls(where: "cluster = ?", [.text(cluster)], limit: limit)
    }

    /// Failed polls since the last successful one: how long the cluster has been unreachable, and why.
    public func failuresSinceLastSuccess(cluster: String) throws -> [PollRecord] {
        let lastOK = try latestSuccessfulPoll(cluster: cluster)?.id ?? 0
        return try polls(where: "cluster = ? AND ok = 0 AND id > ?", [.text(cluster), .integer(lastOK)], limit: 1000)
    }

    private func polls(where condition: String, _ values: [SQLValue], limit: Int) throws -> [PollRecord] {
        try statement(
            """
            SELECT id, cluster, started_at, finished_at, snapshot_at, ok, error, source, node_count, job_count, notes,
                duration_ms, slurm_version
            FROM polls WHERE \(condition) ORDER BY id DESC LIMIT \(limit)
            """
        ).query(values) { row in
            PollRecord(
                id: row.int64(0), cluster: row.text(1), startedAt: row.int64(2), finishedAt: row.int64(3),
                durationMS: row.int(11),
                snapshotAt: row.optionalInt64(4), ok: row.int(5) == 1, error: row.optionalText(6), source: row.text(7),
                slurmVersion: row.optionalText(12),
                nodeCount: row.optionalInt(8), jobCount: row.optionalInt(9),
                notes: row.optionalText(10).map { $0.split(separator: "\n").map(String.init) } ?? []
            )
        }
    }

    /// Nodes as of the latest snapshot, in natural order.
    public func currentNodes(cluster: String) throws -> [Node] {
        try statement(
            """
            SELECT name, state, cpus_alloc, cpus_total, cpus_effective, cpu_load, memory_mb, memory_alloc_mb,
                memory_free_mb, gres, gres_used, gpus_used, features, partitions, reason, reason_user, reason_time,
                last_busy, boot_time
            FROM nodes WHERE cluster = ? AND gone_at IS NULL
            """
        ).query([.text(cluster)]) { row in
            let reason = row.optionalText(14).map {
                NodeReason(text: $0, user: row.optionalText(15), time: row.optionalInt64(16))
            }
            return Node(
                name: row.text(0), state: NodeState(parsing: row.text(1)), cpusAllocated: row.int(2),
                cpusTotal: row.int(3), cpusEffective: row.int(4), cpuLoad: row.optionalDouble(5),
                memoryMB: row.int(6), memoryAllocatedMB: row.int(7), memoryFreeMB: row.optionalInt(8),
                gres: Gres.parseList(row.text(9)), gresUsed: row.optionalText(10).map(Gres.parseList),
                gpusUsed: row.int(11), features: split(row.text(12)), partitions: split(row.text(13)),
                reason: reason, lastBusy: row.optionalInt64(17), bootTime: row.optionalInt64(18)
            )
        }.sorted { naturalLess($0.name, $1.name) }
    }

    /// Partitions as of the latest snapshot, in the order Slurm lists them.
    public func currentPartitions(cluster: String) throws -> [Partition] {
        try statement(
            """
            SELECT name, state, is_default, node_list, total_cpus, total_nodes, max_time, priority_tier, qos
            FROM partitions WHERE cluster = ? AND gone_at IS NULL ORDER BY position, name
            """
        ).query([.text(cluster)]) { row in
            Partition(
                name: row.text(0), state: row.text(1), isDefault: row.int(2) == 1, nodeList: row.text(3),
                totalCPUs: row.int(4), totalNodes: row.int(5),
                maxTime: row.optionalInt(6).map(SlurmDuration.seconds) ?? .unlimited, qos: row.optionalText(8),
                priorityTier: row.int(7)
            )
        }
    }

    /// Per-partition totals of the latest snapshot (plus the cluster-wide `*` row).
    public func latestUsage(cluster: String) throws -> [PartitionUsage] {
        guard let at = try latestSnapshotTime(cluster: cluster) else { return [] }
        return try statement(
            """
            SELECT partition, nodes_total, idle, mixed, allocated, draining, drained, down, reserved, other,
                cpus_alloc, cpus_total, memory_alloc_mb, memory_total_mb, gpus_used, gpus_total, jobs_running,
                jobs_pending
            FROM partition_samples WHERE cluster = ? AND at = ?
            """
        ).query([.text(cluster), .integer(at)]) { row in
            var usage = PartitionUsage(partition: row.text(0))
            usage.nodesTotal = row.int(1)
            for (offset, category) in NodeCategory.allCases.enumerated() {
                usage.nodesByCategory[category] = row.int(Int32(2 + offset))
            }
            usage.cpusAllocated = row.int(10)
            usage.cpusTotal = row.int(11)
            usage.memoryAllocatedMB = row.int(12)
            usage.memoryTotalMB = row.int(13)
            usage.gpusUsed = row.int(14)
            usage.gpusTotal = row.int(15)
            usage.jobsRunning = row.int(16)
            usage.jobsPending = row.int(17)
            return usage
        }
    }

    /// Partition samples averaged into buckets of `bucket` seconds over [from, to), oldest first.
    /// Buckets without samples (the poller was down) are left out, so charts can show the gap.
    public func history(
        cluster: String, partition: String = PartitionUsage.allPartitions, from: Int64, to: Int64, bucket: Int64
    ) throws -> [HistoryBucket] {
        precondition(bucket > 0, "bucket must be positive")
        return try statement(
            """
            SELECT (at - ?1) / ?2 AS b, count(*), avg(idle), avg(mixed), avg(allocated), avg(draining), avg(drained),
                avg(down), avg(reserved), avg(other), avg(nodes_total), avg(cpus_alloc), avg(cpus_total),
                avg(gpus_used), avg(gpus_total), avg(jobs_running), avg(jobs_pending)
            FROM partition_samples
            WHERE cluster = ?3 AND partition = ?4 AND at >= ?1 AND at < ?5
            GROUP BY b ORDER BY b
            """
        ).query([.integer(from), .integer(bucket), .text(cluster), .text(partition), .integer(to)]) { row in
            var byCategory: [NodeCategory: Double] = [:]
            for (offset, category) in NodeCategory.allCases.enumerated() {
                byCategory[category] = row.double(Int32(2 + offset))
            }
            return HistoryBucket(
                start: from + row.int64(0) * bucket, samples: row.int(1), nodesByCategory: byCategory,
                nodesTotal: row.double(10), cpusAllocated: row.double(11), cpusTotal: row.double(12),
                gpusUsed: row.double(13), gpusTotal: row.double(14), jobsRunning: row.double(15),
                jobsPending: row.double(16)
            )
        }
    }

    /// Every node's states over [from, to), clipped to the window, nodes in natural order.
    /// - Parameter nodes: only these nodes; all when nil.
    public func nodeTimelines(cluster: String, from: Int64, to: Int64, nodes: Set<String>? = nil) throws
        -> [NodeTimeline]
    {
        var spans: [String: [NodeSpan]] = [:]
        var states: [String: NodeState] = [:]
        let lastSnapshot = try latestSnapshotTime(cluster: cluster) ?? to
        // No ORDER BY: sorting a day of a big cluster's intervals costs more than sorting each node's few.
        try statement(
            """
            SELECT node, state, reason, since, until FROM node_intervals
            WHERE cluster = ?1 AND since < ?2 AND until IS NULL
            UNION ALL
            SELECT node, state, reason, since, until FROM node_intervals
            WHERE cluster = ?1 AND since < ?2 AND until > ?3
            """
        ).forEachRow([.text(cluster), .integer(to), .integer(from)]) { row in
            let node = row.text(0)
            if let nodes, !nodes.contains(node) { return }
            let (since, until) = (row.int64(3), row.optionalInt64(4))
            // An open interval is known to last until the latest snapshot, not beyond.
            let end = min(until ?? max(lastSnapshot, since), to)
            let start = max(since, from)
            guard end > start || (until == nil && end == start) else { return }
            let stateText = row.text(1)
            let state: NodeState
            if let known = states[stateText] {
                state = known
            } else {
                state = NodeState(parsing: stateText)
                states[stateText] = state
            }
            spans[node, default: []].append(
                NodeSpan(state: state, category: state.category, reason: row.optionalText(2), from: start, until: end))
        }
        return spans.keys.naturallySorted().map { node in
            NodeTimeline(node: node, spans: spans[node]!.sorted { $0.from < $1.from })
        }
    }

    /// Each current node's partitions: what /heatmap needs of the nodes, without reading everything else.
    public func nodePartitions(cluster: String) throws -> [(node: String, partitions: [String])] {
        try statement("SELECT name, partitions FROM nodes WHERE cluster = ? AND gone_at IS NULL").query([
            .text(cluster)
        ]) { row in (row.text(0), split(row.text(1))) }
    }

    /// Since when a node has been idle without a break, or nil when it is not idle now.
    ///
    /// Walks the node's intervals from the newest back to the first one that was not idle.
    public func idleSince(cluster: String, node: String) throws -> Int64? {
        let statement = try statement(
            "SELECT state, since, until IS NULL FROM node_intervals WHERE cluster = ? AND node = ? ORDER BY since DESC")
        defer { statement.reset() }
        try statement.bind([.text(cluster), .text(node)])
        var since: Int64?
        while try statement.step() {
            // The newest interval must still be open: a node that left Slurm is not idle.
            if since == nil && statement.int(2) == 0 { return nil }
            guard NodeState(parsing: statement.text(0)).category == .idle else { break }
            since = statement.int64(1)
        }
        return since
    }

    /// Jobs matching `filter`, newest submissions first.
    public func jobs(cluster: String, filter: JobFilter = JobFilter()) throws -> [JobRecord] {
        var conditions = ["cluster = ?"]
        var values: [SQLValue] = [.text(cluster)]
        if filter.listedOnly { conditions.append("gone_at IS NULL") }
        if let user = filter.user {
            conditions.append("user = ?")
            values.append(.text(user))
        }
        if let partition = filter.partition {
            conditions.append("partition = ?")
            values.append(.text(partition))
        }
        if let states = filter.states, !states.isEmpty {
            conditions.append("state IN (\(states.map { _ in "?" }.joined(separator: ",")))")
            values += states.map { .text($0.rawValue) }
        }
        return try statement(
            "SELECT \(Self.jobColumns) FROM jobs WHERE \(conditions.joined(separator: " AND ")) "
                + "ORDER BY submit_time DESC, job_id DESC LIMIT \(max(0, filter.limit))"
        ).query(values, Self.jobRecord)
    }

    /// How many listed jobs wait, by Slurm's reason code, a pending array remainder counting its tasks: what
    /// `/status` says of the queue, counted in SQL rather than by reading every job (a big cluster lists tens of
    /// thousands).
    public func waitingJobsByReason(cluster: String, partition: String? = nil) throws -> [String: Int] {
        var values: [SQLValue] = [.text(cluster)] + JobState.waiting.map { .text($0.rawValue) }
        var sql =
            "SELECT reason, array_task, COUNT(*) FROM jobs WHERE cluster = ? AND gone_at IS NULL AND state IN "
            + "(\(JobState.waiting.map { _ in "?" }.joined(separator: ",")))"
        if let partition {
            sql += " AND partition = ?"
            values.append(.text(partition))
        }
        var counts: [String: Int] = [:]
        let groups = try statement(sql + " GROUP BY reason, array_task").query(values) {
            ($0.text(0), $0.optionalText(1), $0.int(2))
        }
        for (reason, task, count) in groups {
            let tasks = task.flatMap { $0.allSatisfy(\.isNumber) ? nil : ArrayTasks.count($0) } ?? 1
            counts[JobReason(parsing: reason).code, default: 0] += count * tasks
        }
        return counts
    }

    /// How many listed jobs wait in each of `partitions` that Slurm would consider before `job`: a higher
    /// priority, or the same priority and submitted earlier (the lower job id on the same second). Counted in SQL:
    /// a big cluster lists tens of thousands waiting.
    public func waitingAhead(cluster: String, of job: Job, in partitions: [String]) throws -> [String: Int] {
        guard let priority = job.priority, !partitions.isEmpty else { return [:] }
        let submit = job.submitTime ?? .max
        let sql =
            "SELECT partition, COUNT(*) FROM jobs WHERE cluster = ? AND gone_at IS NULL AND job_id != ? AND state IN "
            + "(\(JobState.waiting.map { _ in "?" }.joined(separator: ","))) "
            + "AND partition IN (\(partitions.map { _ in "?" }.joined(separator: ","))) "
            + "AND (priority > ? OR (priority = ? AND (submit_time < ? OR (submit_time = ? AND job_id < ?)))) "
            + "GROUP BY partition"
        let values: [SQLValue] =
            [.text(cluster), SQLValue(job.jobID)] + JobState.waiting.map { .text($0.rawValue) }
            + partitions.map { .text($0) }
            + [SQLValue(priority), SQLValue(priority), .integer(submit), .integer(submit), SQLValue(job.jobID)]
        return Dictionary(uniqueKeysWithValues: try statement(sql).query(values) { ($0.text(0), $0.int(1)) })
    }

    /// The names of the nodes in the latest snapshot, for suggestions as people type.
    public func nodeNames(cluster: String) throws -> [String] {
        try statement("SELECT name FROM nodes WHERE cluster = ? AND gone_at IS NULL").query([.text(cluster)]) {
            $0.text(0)
        }
    }

    /// The users with jobs in the queue now.
    public func queuedUsers(cluster: String) throws -> [String] {
        try statement("SELECT DISTINCT user FROM jobs WHERE cluster = ? AND gone_at IS NULL").query([.text(cluster)]) {
            $0.text(0)
        }
    }

    /// A job id someone is typing, completed from the queue: ids starting with `typed`, those of `preferredUsers`
    /// first, then those in `preferredState`, newest first; at most `limit`.
    ///
    /// `typed` is only bound as a parameter (and the caller lets through digits and `_` alone).
    public func jobSuggestions(
        cluster: String, typed: String, preferredUsers: [String], preferredState: JobState, limit: Int = 25
    ) throws -> [(id: String, name: String, user: String, state: String)] {
        let users = preferredUsers.prefix(20).map { _ in "?" }.joined(separator: ",")
        let mine = users.isEmpty ? "" : "user IN (\(users)) DESC, "
        return try statement(
            "SELECT COALESCE(display_id, CAST(job_id AS TEXT)) AS id, name, user, state FROM jobs "
                + "WHERE cluster = ? AND gone_at IS NULL AND id LIKE ? || '%' "
                + "ORDER BY \(mine)state = ? DESC, job_id DESC LIMIT ?"
        ).query(
            [.text(cluster), .text(typed)] + preferredUsers.prefix(20).map { .text($0) }
                + [.text(preferredState.rawValue), .integer(Int64(limit))]
        ) { ($0.text(0), $0.text(1), $0.text(2), $0.text(3)) }
    }

    /// Whether any job of `user` is in the data, queued now or kept from the past: "no such user" needs it, for a
    /// name with nothing queued. Asked only then (it reads the whole table when the user has no job at all).
    public func hasSeenUser(cluster: String, user: String) throws -> Bool {
        try !statement("SELECT 1 FROM jobs WHERE cluster = ? AND user = ? LIMIT 1").query([
            .text(cluster), .text(user),
        ]) { _ in true }.isEmpty
    }

    /// One job by the id people write (`12345`, or `12345_7` for an array task), listed or not.
    public func job(cluster: String, id: String) throws -> JobRecord? {
        try statement(
            "SELECT \(Self.jobColumns) FROM jobs WHERE cluster = ?1 AND (display_id = ?2 OR (display_id IS NULL AND job_id = ?3)) "
                + "ORDER BY first_seen DESC LIMIT 1"
        ).query([.text(cluster), .text(id), .integer(Int64(id) ?? -1)], Self.jobRecord).first
    }

    static let jobColumns = """
        job_id, display_id, array_job_id, array_task, het_job_id, het_offset, name, user, account, partition, qos, state,
        reason, submit_time, start_time, end_time, time_limit, node_count, cpus, memory_mb, gres, node_list, priority,
        dependency, first_seen, gone_at, final_state, exit_code, exit_signal, ended_at, peak_memory_mb, gpus,
        cpu_seconds
        """

    static func jobRecord(_ row: Statement) -> JobRecord {
        var job = Job(
            displayID: row.optionalText(1) ?? String(row.int(0)), jobID: row.int(0), arrayJobID: row.optionalInt(2),
            arrayTask: row.optionalText(3), hetJobID: row.optionalInt(4), hetOffset: row.optionalInt(5),
            name: row.text(6), user: row.text(7), account: row.optionalText(8), partition: row.text(9),
            qos: row.optionalText(10), state: JobState(rawValue: row.text(11)),
            reason: JobReason(parsing: row.optionalText(12) ?? "None"),
            timeLimit: row.optionalInt(16).map(SlurmDuration.seconds) ?? .unlimited, nodeCount: row.int(17),
            cpus: row.int(18), memoryMB: row.optionalInt(19), gres: Gres.parseList(row.text(20)),
            nodeList: row.optionalText(21), submitTime: row.optionalInt64(13), startTime: row.optionalInt64(14),
            endTime: row.optionalInt64(15), priority: row.optionalInt(22), dependency: row.optionalText(23)
        )
        // The stored total keeps GPUs asked with --gpus or --gpus-per-task, which the per-node text cannot say.
        let gpus = row.int(31)
        if gpus != job.gpus { job.tres = JobTRES(gpus: gpus) }
        return JobRecord(
            job: job, firstSeen: row.int64(24), goneAt: row.optionalInt64(25),
            finalState: row.optionalText(26).map(JobState.init(rawValue:)), exitCode: row.optionalInt(27),
            exitSignal: row.optionalInt(28), endedAt: row.optionalInt64(29), peakMemoryMB: row.optionalInt(30),
            cpuSeconds: row.optionalInt(32)
        )
    }

    private func split(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: ",").map(String.init)
    }
}

extension Connection {
    /// How the poller is doing for `cluster`, from the polls table: what every reply says of the data's age.
    public func pollHealth(cluster: String) throws -> PollHealth {
        let success = try latestSuccessfulPoll(cluster: cluster)
        let latest = try latestPoll(cluster: cluster)
        let failures =
            try scalar(
                "SELECT count(*) FROM polls WHERE cluster = ? AND ok = 0 AND id > ?",
                [.text(cluster), .integer(success?.id ?? 0)]
            ).int64.map(Int.init) ?? 0
        return PollHealth(
            snapshotAt: success?.snapshotAt, lastSuccessAt: success?.finishedAt, slurmVersion: success?.slurmVersion,
            lastAttempt: latest.map { .init(startedAt: $0.startedAt, ok: $0.ok, error: $0.error) },
            failuresSinceSuccess: failures)
    }
}
