extension Connection {
    /// What one pruning pass removed.
    public struct PruneSummary: Sendable, Hashable {
        public var polls = 0
        public var samples = 0
        public var intervals = 0
        public var jobs = 0
        public var nodes = 0
        public var alerts = 0
    }

    /// Deletes history that ended before `cutoff` (Unix seconds): polls, samples, closed intervals, jobs gone
    /// from squeue, nodes gone from Slurm, alerts queued before it (sent, refused, or too old to matter). Current
    /// state is never touched.
    ///
    /// Each table is pruned in its own short transaction and in chunks, so a reader in WAL mode never waits and a
    /// writer waits at most one chunk.
    public func prune(before cutoff: Int64, chunk: Int = 5000) throws -> PruneSummary {
        var summary = PruneSummary()
        summary.polls = try deleteInChunks(
            "DELETE FROM polls WHERE id IN (SELECT id FROM polls WHERE started_at < ? LIMIT \(chunk))", cutoff)
        summary.samples = try deleteInChunks(
            """
            DELETE FROM partition_samples WHERE (cluster, partition, at) IN
                (SELECT cluster, partition, at FROM partition_samples WHERE at < ? LIMIT \(chunk))
            """, cutoff)
        summary.intervals = try deleteInChunks(
            """
            DELETE FROM node_intervals WHERE (cluster, node, since) IN
                (SELECT cluster, node, since FROM node_intervals WHERE until IS NOT NULL AND until < ? LIMIT \(chunk))
            """, cutoff)
        summary.jobs = try deleteInChunks(
            """
            DELETE FROM jobs WHERE (cluster, job_id) IN
                (SELECT cluster, job_id FROM jobs WHERE gone_at IS NOT NULL AND gone_at < ? LIMIT \(chunk))
            """, cutoff)
        summary.nodes = try deleteInChunks(
            """
            DELETE FROM nodes WHERE (cluster, name) IN
                (SELECT cluster, name FROM nodes WHERE gone_at IS NOT NULL AND gone_at < ? LIMIT \(chunk))
            """, cutoff)
        summary.alerts = try deleteInChunks(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < ? LIMIT \(chunk))", cutoff)
        return summary
    }

    private func deleteInChunks(_ sql: String, _ cutoff: Int64) throws -> Int {
        var total = 0
        while true {
            let removed = try transaction { () throws -> Int in
                try statement(sql).run([.integer(cutoff)])
                return changes
            }
            total += removed
            if removed == 0 { return total }
        }
    }
}
