import Alerts
import DiscordModels
import Foundation
import SlurmKit
import Store

/// Queues the admins' alerts, in the same transactions as the polls that reveal them: nodes going out of service or
/// coming back (one message per poll), a partition full for half an hour and then with room again, and the poller
/// failing `threshold` times in a row, then recovering.
struct OpsAlerts {
    let cluster: String
    /// Where they go; nil queues nothing.
    let destination: (notify: Watch.Notify, target: String)?
    let threshold: Int

    func queueNodeChanges(_ connection: Connection, _ changes: [NodeStateChange], at: Int64) throws {
        guard let destination, !changes.isEmpty else { return }
        let nodeChanges = changes.map { change in
            NodeChange(
                node: change.node, from: NodeState(parsing: change.from), fromSince: change.fromSince,
                to: NodeState(parsing: change.to), reason: change.reason)
        }
        guard let message = OpsMessage.nodes(nodeChanges, cluster: cluster, at: at) else { return }
        try enqueue(connection, key: "nodes:\(cluster):\(at)", message: message, to: destination, at: at)
    }

    /// How long a partition must stay full before the admins hear of it.
    static let saturationPeriod: Int64 = 30 * 60

    /// An up partition full (no idle node, some busy, jobs waiting) for `saturationPeriod`, once per episode; and
    /// when it has room again after such an episode.
    func queueSaturation(_ connection: Connection, at: Int64) throws {
        guard let destination else { return }
        let samples = try connection.saturationSamples(cluster: cluster, since: at - 6 * 3600)
        let up = Set(try connection.currentPartitions(cluster: cluster).filter(\.isUp).map(\.name))
        for (partition, newestFirst) in samples.sorted(by: { $0.key < $1.key }) where up.contains(partition) {
            guard let latest = newestFirst.first else { continue }
            if latest.isSaturated {
                let start = Self.episodeStart(newestFirst)
                guard at - start >= Self.saturationPeriod else { continue }
                let message = OpsMessage.saturated(
                    cluster: cluster, partition: partition, since: start, pending: latest.jobsPending, at: at)
                try enqueue(
                    connection, key: "saturated:\(cluster):\(partition):\(start)", message: message, to: destination,
                    at: at)
            } else if newestFirst.count > 1, newestFirst[1].isSaturated {
                let start = Self.episodeStart(Array(newestFirst.dropFirst()))
                guard newestFirst[1].at - start >= Self.saturationPeriod else { continue }
                let message = OpsMessage.unsaturated(cluster: cluster, partition: partition, since: start, at: at)
                try enqueue(
                    connection, key: "unsaturated:\(cluster):\(partition):\(start)", message: message,
                    to: destination, at: at)
            }
        }
    }

    /// The time of the oldest sample in the run of saturated samples that starts the list.
    static func episodeStart(_ newestFirst: [SaturationSample]) -> Int64 {
        var start = newestFirst.first?.at ?? 0
        for sample in newestFirst {
            guard sample.isSaturated else { break }
            start = sample.at
        }
        return start
    }

    /// After a failed poll has been recorded: tells the admins when it makes `threshold` in a row.
    func queueFailing(_ connection: Connection, at: Int64) throws {
        guard let destination else { return }
        let failures = try connection.failuresSinceLastSuccess(cluster: cluster)
        guard failures.count == threshold, let first = failures.last, let latest = failures.first else { return }
        let message = OpsMessage.pollerFailing(
            cluster: cluster, count: failures.count, since: first.startedAt, error: latest.error ?? "unknown")
        try enqueue(connection, key: "poller-failing:\(cluster):\(first.id)", message: message, to: destination, at: at)
    }

    /// Inside a good poll's transaction, given the failures that came just before it.
    func queueRecovered(_ connection: Connection, after failures: [PollRecord], at: Int64) throws {
        guard let destination, failures.count >= threshold, let first = failures.last else { return }
        let message = OpsMessage.pollerRecovered(
            cluster: cluster, failures: failures.count, seconds: Int(max(0, at - first.startedAt)), at: at)
        try enqueue(
            connection, key: "poller-recovered:\(cluster):\(first.id)", message: message, to: destination, at: at)
    }

    private func enqueue(
        _ connection: Connection, key: String, message: MessagePayload,
        to destination: (notify: Watch.Notify, target: String),
        at: Int64
    ) throws {
        try connection.enqueue(
            OutboxAlert(
                dedupKey: key, cluster: cluster, createdAt: at, destination: destination.notify,
                target: destination.target, discordUser: nil,
                payload: String(decoding: try JSONEncoder().encode(message), as: UTF8.self),
                nextAttemptAt: OutboxAlert.dueNow))
    }
}
