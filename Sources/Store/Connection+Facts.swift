public import ClusterFacts
import Foundation
import Synchronization

extension Connection {
    /// Replaces the cluster's facts with those of the snapshot being written (call inside its transaction).
    func writeFacts(_ facts: ClusterFacts, pollID: Int64) throws {
        let json = String(decoding: try JSONEncoder().encode(facts), as: UTF8.self)
        try statement(
            "INSERT OR REPLACE INTO cluster_facts (cluster, snapshot_at, version, facts, poll_id) VALUES (?, ?, ?, ?, ?)"
        ).run([
            .text(facts.cluster), .integer(facts.snapshotAt), SQLValue(facts.version), .text(json), .integer(pollID),
        ])
    }

    /// When each of `nodes` entered the state it is in, from its open history interval (the few nodes out of
    /// service, so one indexed lookup each).
    func openSince(cluster: String, nodes: [String]) throws -> [String: Int64] {
        let statement = try statement(
            "SELECT since FROM node_intervals WHERE cluster = ? AND node = ? AND until IS NULL")
        var since: [String: Int64] = [:]
        for node in nodes {
            since[node] = try statement.query([.text(cluster), .text(node)]) { $0.int64(0) }.first
        }
        return since
    }

    /// The facts of the cluster's newest stored snapshot; nil before the first poll that wrote them, or when they
    /// were written by a build with another encoding (the next poll writes them anew).
    ///
    /// Through a `Database`, facts decoded once are kept until a poll writes new ones: a reader then pays one
    /// indexed row for the poll id, not the decoding of a 10,000-node table, on every answer.
    public func latestFacts(cluster: String) throws -> ClusterFacts? {
        // A read-only reader (`slurmbot status`, `render`) may open a file an older build wrote, before the poller
        // migrated it: no facts of this encoding then, as after an upgrade.
        guard try userVersion >= Schema.migrations.count else { return nil }
        let cached = factsCache?.entry(cluster: cluster)
        // One statement, so the row cannot change between the check and the read; SQLite reads the facts' pages
        // only when the CASE asks for them.
        let rows = try statement(
            "SELECT version, poll_id, CASE WHEN poll_id = ? THEN NULL ELSE facts END FROM cluster_facts "
                + "WHERE cluster = ?"
        ).query([.integer(cached?.pollID ?? -1), .text(cluster)]) { ($0.int(0), $0.int64(1), $0.optionalText(2)) }
        guard let (version, pollID, json) = rows.first, version == ClusterFacts.currentVersion else { return nil }
        guard let json else { return cached?.facts }
        let facts = try JSONDecoder().decode(ClusterFacts.self, from: Data(json.utf8))
        factsCache?.keep(facts, pollID: pollID)
        return facts
    }
}

/// The newest decoded facts per cluster, shared by a `Database`'s connections.
final class FactsCache: Sendable {
    private let entries = Mutex<[String: (pollID: Int64, facts: ClusterFacts)]>([:])

    func entry(cluster: String) -> (pollID: Int64, facts: ClusterFacts)? {
        entries.withLock { $0[cluster] }
    }

    func keep(_ facts: ClusterFacts, pollID: Int64) {
        entries.withLock { entries in
            if (entries[facts.cluster]?.pollID ?? .min) < pollID { entries[facts.cluster] = (pollID, facts) }
        }
    }
}
