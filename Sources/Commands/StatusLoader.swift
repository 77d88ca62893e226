import ClusterFacts
public import Foundation
public import Reports
public import Store

/// Reads what a status needs from the store: the poller's health (the newest good snapshot, the newest attempt, the
/// failures since) and that snapshot's facts (one row, however big the cluster).
///
/// Shared by `slurmbot status` and `/status`, so both tell the same story.
public enum StatusLoader {
    public enum Outcome: Sendable {
        case noData
        case unknownCluster(String, known: [String])
        case unknownPartition(String, known: [String])
        case report(StatusReport)

        /// The outcome as text (what `slurmbot status` prints).
        public var text: String {
            switch self {
            case .noData: "No cluster data yet: the poller has not run.\n"
            case .unknownCluster(let name, let known):
                "No polls for cluster \(name) (known: \(known.joined(separator: ", "))).\n"
            case .unknownPartition(let name, let known):
                "No partition \(name) (known: \(known.joined(separator: ", "))).\n"
            case .report(let report): report.render()
            }
        }
    }

    /// - Parameters:
    ///   - cluster: the one asked for; else the only cluster in the database, else `defaultCluster`.
    ///   - partition: limits the report to one partition's nodes and jobs.
    public static func load(
        _ connection: Connection, cluster requested: String?, defaultCluster: String, partition: String? = nil,
        timeZone: TimeZone, now: Int64
    ) throws -> Outcome {
        let clusters = try connection.clusters()
        guard !clusters.isEmpty else { return .noData }
        let cluster = requested ?? (clusters.count == 1 ? clusters[0] : defaultCluster)
        guard clusters.contains(cluster) else { return .unknownCluster(cluster, known: clusters) }
        let health = try connection.pollHealth(cluster: cluster)
        let facts = try connection.latestFacts(cluster: cluster)
        if let partition, let facts, !facts.partitions.contains(where: { $0.name == partition }) {
            return .unknownPartition(partition, known: facts.partitions.map(\.name))
        }
        return .report(
            StatusReport(
                cluster: cluster, now: now, timeZone: timeZone, health: health, facts: facts, partition: partition))
    }
}
