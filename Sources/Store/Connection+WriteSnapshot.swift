import ClusterFacts
public import SlurmKit

extension Connection {
    /// Writes one successful poll in one transaction: the poll row, node changes and intervals, partitions,
    /// partition samples and the jobs that changed.
    ///
    /// Nodes and jobs are compared with what is stored by fingerprint; unchanged rows are not touched, so an
    /// unchanged cluster adds one poll row and one sample per partition, nothing else. A crash at any point leaves
    /// the previous snapshot as it was.
    /// - Parameters:
    ///   - transitions: runs inside the transaction once the rows are written, told whether this is the cluster's
    ///     first good poll; the poller queues the alerts the snapshot reveals there, so they commit with it or not
    ///     at all.
    ///   - beforeCommit: runs inside the transaction after everything else; fault tests use it to kill the writer
    ///     at the worst moment.
    /// - Throws: `StoreError.snapshotOlderThanStored` when time went backwards, or `SQLiteError`.
    @discardableResult
    public func recordSnapshot(
        _ snapshot: ClusterSnapshot, cluster: String, source: String, startedAt: Int64, durationMS: Int = 0,
        transitions: ((_ firstPoll: Bool, _ summary: SnapshotWriteSummary) throws -> Void)? = nil,
        beforeCommit: (() throws -> Void)? = nil
    ) throws -> SnapshotWriteSummary {
        try transaction {
            let stored = try latestSnapshotTime(cluster: cluster)
            if let stored, snapshot.takenAt < stored {
                throw StoreError.snapshotOlderThanStored(snapshot: snapshot.takenAt, stored: stored)
            }
            var summary = SnapshotWriteSummary()
            let at = snapshot.takenAt
            try statement(
                """
                INSERT INTO polls (cluster, started_at, finished_at, duration_ms, snapshot_at, ok, error, source,
                                   slurm_version, node_count, job_count, notes)
                VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?, ?, ?, ?)
                """
            ).run([
                .text(cluster), .integer(startedAt), .integer(startedAt + Int64(durationMS / 1000)),
                SQLValue(durationMS), .integer(at), .text(source), SQLValue(snapshot.slurmVersion),
                SQLValue(snapshot.nodes.count), SQLValue(snapshot.jobs.count),
                snapshot.notes.isEmpty ? .null : .text(snapshot.notes.joined(separator: "\n")),
            ])
            let pollID = lastInsertedRowID
            try writeNodes(snapshot, cluster: cluster, summary: &summary)
            try writePartitions(snapshot, cluster: cluster)
            let facts = ClusterFacts(
                snapshot, cluster: cluster,
                since: try openSince(cluster: cluster, nodes: ClusterFacts.outOfService(snapshot.nodes).map(\.name)))
            try writeSamples(facts.usage, at: snapshot.takenAt, cluster: cluster)
            try writeJobs(snapshot, cluster: cluster, summary: &summary)
            try writeFacts(facts, pollID: pollID)
            try transitions?(stored == nil, summary)
            try beforeCommit?()
            return summary
        }
    }

    /// Records a poll that failed, with the reason a person will read in `/status`.
    public func recordFailedPoll(
        cluster: String, source: String, startedAt: Int64, durationMS: Int = 0, error: String
    ) throws {
        try statement(
            """
            INSERT INTO polls (cluster, started_at, finished_at, duration_ms, snapshot_at, ok, error, source)
            VALUES (?, ?, ?, ?, NULL, 0, ?, ?)
            """
        ).run([
            .text(cluster), .integer(startedAt), .integer(startedAt + Int64(durationMS / 1000)), SQLValue(durationMS),
            .text(error), .text(source),
        ])
    }

    func latestSnapshotTime(cluster: String) throws -> Int64? {
        try scalar("SELECT max(snapshot_at) FROM polls WHERE cluster = ? AND ok = 1", [.text(cluster)]).int64
    }

    private func writeNodes(_ snapshot: ClusterSnapshot, cluster: String, summary: inout SnapshotWriteSummary) throws {
        let at = snapshot.takenAt
        var stored: [String: (fingerprint: Int64, state: String)] = [:]
        for row in try statement("SELECT name, fingerprint, state FROM nodes WHERE cluster = ? AND gone_at IS NULL")
            .query([.text(cluster)], { ($0.text(0), $0.int64(1), $0.text(2)) })
        {
            stored[row.0] = (row.1, row.2)
        }
        let upsert = try statement(
            """
            INSERT INTO nodes (cluster, name, first_seen, updated_at, gone_at, fingerprint, state, category,
                cpus_alloc, cpus_total, cpus_effective, cpu_load, memory_mb, memory_alloc_mb, memory_free_mb, gres,
                gres_used, gpus_total, gpus_used, features, partitions, reason, reason_user, reason_time, last_busy,
                boot_time)
            VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster, name) DO UPDATE SET
                updated_at = excluded.updated_at, gone_at = NULL, fingerprint = excluded.fingerprint,
                state = excluded.state, category = excluded.category, cpus_alloc = excluded.cpus_alloc,
                cpus_total = excluded.cpus_total, cpus_effective = excluded.cpus_effective,
                cpu_load = excluded.cpu_load, memory_mb = excluded.memory_mb,
                memory_alloc_mb = excluded.memory_alloc_mb, memory_free_mb = excluded.memory_free_mb,
                gres = excluded.gres, gres_used = excluded.gres_used, gpus_total = excluded.gpus_total,
                gpus_used = excluded.gpus_used, features = excluded.features, partitions = excluded.partitions,
                reason = excluded.reason, reason_user = excluded.reason_user, reason_time = excluded.reason_time,
                last_busy = excluded.last_busy, boot_time = excluded.boot_time
            """
        )
        let closeInterval = try statement(
            "UPDATE node_intervals SET until = ? WHERE cluster = ? AND node = ? AND until IS NULL")
        let openSince = try statement(
            "SELECT since FROM node_intervals WHERE cluster = ? AND node = ? AND until IS NULL")
        let openInterval = try statement(
            // Two states at the same snapshot time: the earlier lasted no time at all and is replaced.
            "INSERT OR REPLACE INTO node_intervals (cluster, node, state, reason, since) VALUES (?, ?, ?, ?, ?)")
        var seen = Set<String>()
        seen.reserveCapacity(snapshot.nodes.count)
        for node in snapshot.nodes {
            guard seen.insert(node.name).inserted else { continue }
            let state = node.state.description
            let fingerprint = Connection.fingerprint(node, state: state)
            let previous = stored[node.name]
            if previous?.fingerprint == fingerprint { continue }
            summary.nodesChanged += 1
            try upsert.run([
                .text(cluster), .text(node.name), .integer(at), .integer(at), .integer(fingerprint), .text(state),
                .text(node.state.category.rawValue), SQLValue(node.cpusAllocated), SQLValue(node.cpusTotal),
                SQLValue(node.cpusEffective), SQLValue(node.cpuLoad), SQLValue(node.memoryMB),
                SQLValue(node.memoryAllocatedMB), SQLValue(node.memoryFreeMB),
                .text(node.gres.map(\.description).joined(separator: ",")),
                SQLValue(node.gresUsed.map { $0.map(\.description).joined(separator: ",") }),
                SQLValue(node.gpusTotal), SQLValue(node.gpusUsed), .text(node.features.joined(separator: ",")),
                .text(node.partitions.joined(separator: ",")), SQLValue(node.reason?.text),
                SQLValue(node.reason?.user), SQLValue(node.reason?.time), SQLValue(node.lastBusy),
                SQLValue(node.bootTime),
            ])
            if previous?.state != state {
                if let previous {
                    let since = try openSince.query([.text(cluster), .text(node.name)]) { $0.int64(0) }.first
                    summary.nodeStateChanges.append(
                        NodeStateChange(
                            node: node.name, from: previous.state, fromSince: since, to: state,
                            reason: node.reason?.text))
                    try closeInterval.run([.integer(at), .text(cluster), .text(node.name)])
                    summary.intervalsClosed += 1
                }
                try openInterval.run([
                    .text(cluster), .text(node.name), .text(state), SQLValue(node.reason?.text), .integer(at),
                ])
                summary.intervalsOpened += 1
            }
        }
        let markGone = try statement("UPDATE nodes SET gone_at = ? WHERE cluster = ? AND name = ?")
        for name in stored.keys where !seen.contains(name) {
            try markGone.run([.integer(at), .text(cluster), .text(name)])
            try closeInterval.run([.integer(at), .text(cluster), .text(name)])
            summary.nodesGone += 1
            summary.intervalsClosed += 1
        }
    }

    private func writePartitions(_ snapshot: ClusterSnapshot, cluster: String) throws {
        let upsert = try statement(
            """
            INSERT INTO partitions (cluster, name, first_seen, gone_at, state, is_default, node_list, total_cpus,
                total_nodes, max_time, priority_tier, qos, position)
            VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster, name) DO UPDATE SET gone_at = NULL, state = excluded.state,
                is_default = excluded.is_default, node_list = excluded.node_list, total_cpus = excluded.total_cpus,
                total_nodes = excluded.total_nodes, max_time = excluded.max_time,
                priority_tier = excluded.priority_tier, qos = excluded.qos, position = excluded.position
            """
        )
        for (position, partition) in snapshot.partitions.enumerated() {
            try upsert.run([
                .text(cluster), .text(partition.name), .integer(snapshot.takenAt), .text(partition.state),
                SQLValue(partition.isDefault), .text(partition.nodeList), SQLValue(partition.totalCPUs),
                SQLValue(partition.totalNodes), SQLValue(partition.maxTime.seconds), SQLValue(partition.priorityTier),
                SQLValue(partition.qos), SQLValue(position),
            ])
        }
        let names = Set(snapshot.partitions.map(\.name))
        let current = try statement("SELECT name FROM partitions WHERE cluster = ? AND gone_at IS NULL")
            .query([.text(cluster)]) { $0.text(0) }
        let markGone = try statement("UPDATE partitions SET gone_at = ? WHERE cluster = ? AND name = ?")
        for name in current where !names.contains(name) {
            try markGone.run([.integer(snapshot.takenAt), .text(cluster), .text(name)])
        }
    }

    /// One history sample per partition: the facts' usage, so the history and the summaries hold the same counts.
    private func writeSamples(_ usages: [PartitionUsage], at time: Int64, cluster: String) throws {
        let insert = try statement(
            """
            INSERT OR REPLACE INTO partition_samples (cluster, partition, at, nodes_total, idle, mixed, allocated,
                draining, drained, down, reserved, other, cpus_alloc, cpus_total, memory_alloc_mb, memory_total_mb,
                gpus_used, gpus_total, jobs_running, jobs_pending)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        for usage in usages {
            var values: [SQLValue] = [
                .text(cluster), .text(usage.partition), .integer(time), SQLValue(usage.nodesTotal),
            ]
            values += NodeCategory.allCases.map { SQLValue(usage.nodes($0)) }
            values += [
                SQLValue(usage.cpusAllocated), SQLValue(usage.cpusTotal), SQLValue(usage.memoryAllocatedMB),
                SQLValue(usage.memoryTotalMB), SQLValue(usage.gpusUsed), SQLValue(usage.gpusTotal),
                SQLValue(usage.jobsRunning), SQLValue(usage.jobsPending),
            ]
            try insert.run(values)
        }
    }

    private func writeJobs(_ snapshot: ClusterSnapshot, cluster: String, summary: inout SnapshotWriteSummary) throws {
        let at = snapshot.takenAt
        var stored: [Int: Int64] = [:]
        for row in try statement("SELECT job_id, fingerprint FROM jobs WHERE cluster = ? AND gone_at IS NULL")
            .query([.text(cluster)], { ($0.int(0), $0.int64(1)) })
        {
            stored[row.0] = row.1
        }
        let upsert = try statement(
            """
            INSERT INTO jobs (cluster, job_id, fingerprint, display_id, array_job_id, array_task, het_job_id,
                het_offset, name, user, account, partition, qos, state, reason, submit_time, start_time, end_time,
                time_limit, node_count, cpus, memory_mb, gres, gpus, node_list, priority, dependency, first_seen,
                gone_at, final_state, ended_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
            ON CONFLICT (cluster, job_id) DO UPDATE SET fingerprint = excluded.fingerprint,
                display_id = excluded.display_id, array_job_id = excluded.array_job_id,
                array_task = excluded.array_task, name = excluded.name, partition = excluded.partition,
                qos = excluded.qos, state = excluded.state, reason = excluded.reason,
                submit_time = excluded.submit_time, start_time = excluded.start_time, end_time = excluded.end_time,
                time_limit = excluded.time_limit, node_count = excluded.node_count, cpus = excluded.cpus,
                memory_mb = excluded.memory_mb, gres = excluded.gres, gpus = excluded.gpus,
                node_list = excluded.node_list, priority = excluded.priority, dependency = excluded.dependency,
                gone_at = NULL, final_state = coalesce(excluded.final_state, jobs.final_state),
                ended_at = coalesce(excluded.ended_at, jobs.ended_at)
            """
        )
        var seen = Set<Int>()
        seen.reserveCapacity(snapshot.jobs.count)
        for job in snapshot.jobs {
            guard seen.insert(job.jobID).inserted else { continue }
            let fingerprint = Connection.fingerprint(job)
            if stored[job.jobID] == fingerprint { continue }
            let final = job.state.isFinal
            try upsert.run([
                // The shown id and the reason are stored only when they say more than the job id and "None".
                .text(cluster), SQLValue(job.jobID), .integer(fingerprint),
                job.displayID == String(job.jobID) ? .null : .text(job.displayID),
                SQLValue(job.arrayJobID), SQLValue(job.arrayTask), SQLValue(job.hetJobID), SQLValue(job.hetOffset),
                .text(job.name), .text(job.user), SQLValue(job.account), .text(job.partition), SQLValue(job.qos),
                .text(job.state.rawValue), job.reason.isNone ? .null : .text(job.reason.raw), SQLValue(job.submitTime),
                SQLValue(job.startTime),
                SQLValue(job.endTime), SQLValue(job.timeLimit.seconds), SQLValue(job.nodeCount), SQLValue(job.cpus),
                SQLValue(job.memoryMB), .text(job.gres.map(\.description).joined(separator: ",")),
                SQLValue(job.gpus), SQLValue(job.nodeList), SQLValue(job.priority), SQLValue(job.dependency),
                .integer(at), final ? .text(job.state.rawValue) : .null, final ? SQLValue(job.endTime ?? at) : .null,
            ])
            summary.jobsWritten += 1
        }
        let markGone = try statement("UPDATE jobs SET gone_at = ? WHERE cluster = ? AND job_id = ?")
        for jobID in stored.keys where !seen.contains(jobID) {
            try markGone.run([.integer(at), .text(cluster), SQLValue(jobID)])
            summary.jobsGone += 1
        }
        guard let accounting = snapshot.accounting else { return }
        let finalize = try statement(
            """
            UPDATE jobs SET final_state = ?, exit_code = ?, exit_signal = ?, ended_at = coalesce(ended_at, ?),
                peak_memory_mb = coalesce(?, peak_memory_mb), cpu_seconds = coalesce(?, cpu_seconds)
            WHERE cluster = ? AND job_id = ? AND (final_state IS NULL OR exit_code IS NULL)
            """
        )
        for record in accounting where record.state.isFinal {
            try finalize.run([
                .text(record.state.rawValue), SQLValue(record.exitCode), SQLValue(record.signal),
                SQLValue(record.endTime), SQLValue(record.peakMemoryMB), SQLValue(record.cpuSeconds), .text(cluster),
                SQLValue(record.jobID),
            ])
            summary.jobsFinalized += changes
        }
    }

    static func fingerprint(_ node: Node, state: String) -> Int64 {
        var hash = Fingerprint()
        hash.add(state)
        hash.add(node.cpusAllocated)
        hash.add(node.cpusTotal)
        hash.add(node.cpusEffective)
        hash.add(node.cpuLoad)
        hash.add(node.memoryMB)
        hash.add(node.memoryAllocatedMB)
        hash.add(node.memoryFreeMB)
        for item in node.gres { hash.add(item.description) }
        hash.add(node.gresUsed?.count)
        for item in node.gresUsed ?? [] { hash.add(item.description) }
        hash.add(node.gpusUsed)
        for feature in node.features { hash.add(feature) }
        hash.add(node.features.count)
        for partition in node.partitions { hash.add(partition) }
        hash.add(node.reason?.text ?? "-")
        hash.add(node.reason?.user ?? "-")
        hash.add(node.reason?.time)
        hash.add(node.lastBusy)
        hash.add(node.bootTime)
        return hash.int64
    }

    /// Elapsed and time-left move every poll and follow from start and limit; priority ages every poll on a real
    /// cluster. None of them is part of it, so the stored priority is as of the job's last other change.
    static func fingerprint(_ job: Job) -> Int64 {
        var hash = Fingerprint()
        hash.add(job.displayID)
        hash.add(job.name)
        hash.add(job.partition)
        hash.add(job.qos ?? "-")
        hash.add(job.state.rawValue)
        hash.add(job.reason.raw)
        hash.add(job.submitTime)
        hash.add(job.startTime)
        hash.add(job.endTime)
        hash.add(job.timeLimit.seconds)
        hash.add(job.nodeCount)
        hash.add(job.cpus)
        hash.add(job.memoryMB)
        for item in job.gres {
            hash.add(item.name)
            hash.add(item.type ?? "-")
            hash.add(item.count)
        }
        hash.add(job.gpus)
        hash.add(job.nodeList ?? "-")
        hash.add(job.dependency ?? "-")
        return hash.int64
    }
}
