/// One partition sample as the saturation check reads it.
public struct SaturationSample: Sendable, Hashable {
    public var at: Int64
    public var nodesIdle: Int
    /// Mixed and allocated nodes.
    public var nodesBusy: Int
    public var jobsPending: Int

    /// No idle node left, some busy, and jobs waiting: the partition is full (not merely out of service).
    public var isSaturated: Bool { nodesIdle == 0 && nodesBusy > 0 && jobsPending > 0 }
}

extension Connection {
    /// The samples of each partition (not the cluster-wide row) since `since`, newest first.
    public func saturationSamples(cluster: String, since: Int64) throws -> [String: [SaturationSample]] {
        var byPartition: [String: [SaturationSample]] = [:]
        try statement(
            """
            SELECT partition, at, idle, mixed + allocated, jobs_pending FROM partition_samples
            WHERE cluster = ? AND at >= ? AND partition != '*' ORDER BY at DESC
            """
        ).forEachRow([.text(cluster), .integer(since)]) { row in
            byPartition[row.text(0), default: []].append(
                SaturationSample(
                    at: row.int64(1), nodesIdle: row.int(2), nodesBusy: row.int(3), jobsPending: row.int(4)))
        }
        return byPartition
    }
}
