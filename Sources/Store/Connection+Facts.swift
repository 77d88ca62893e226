public import ClusterFacts
import Foundation

extension Connection {
    /// Replaces the cluster's facts with those of the snapshot being written (call inside its transaction).
    func writeFacts(_ facts: ClusterFacts) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(facts), as: UTF8.self)
        try statement(
            "INSERT OR REPLACE INTO cluster_facts (cluster, snapshot_at, version, facts) VALUES (?, ?, ?, ?)"
        ).run([.text(facts.cluster), .integer(facts.snapshotAt), SQLValue(facts.version), .text(json)])
    }

    /// The facts of the cluster's newest stored snapshot; nil before the first poll that wrote them, or when they
    /// were written by a build with another encoding (the next poll writes them anew).
    public func latestFacts(cluster: String) throws -> ClusterFacts? {
        let rows = try statement("SELECT version, facts FROM cluster_facts WHERE cluster = ?").query([.text(cluster)]) {
            ($0.int(0), $0.text(1))
        }
        guard let (version, json) = rows.first, version == ClusterFacts.currentVersion else { return nil }
        return try JSONDecoder().decode(ClusterFacts.self, from: Data(json.utf8))
    }
}
