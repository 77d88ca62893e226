import Alerts
import Discord
import Foundation
import SlurmKit
import Store

/// Queues the admins' alerts, in the same transactions as the polls that reveal them: nodes going out of service or
/// coming back (one message per poll), and the poller failing `threshold` times in a row, then recovering.
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
                payload: String(decoding: try JSONEncoder().encode(message), as: UTF8.self), nextAttemptAt: at))
    }
}
