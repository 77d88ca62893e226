public import DiscordModels
public import SlurmKit
import WallTime

/// One node's state change, as the ops channel hears of it.
public struct NodeChange: Sendable, Hashable {
    public var node: String
    public var from: NodeState
    /// Since when the node had been in `from`, when known.
    public var fromSince: Int64?
    public var to: NodeState
    public var reason: String?

    public init(node: String, from: NodeState, fromSince: Int64?, to: NodeState, reason: String?) {
        self.node = node
        self.from = from
        self.fromSince = fromSince
        self.to = to
        self.reason = reason
    }

    static let outOfService: Set<NodeCategory> = [.down, .drained, .draining]
    static let inService: Set<NodeCategory> = [.idle, .mixed, .allocated]

    /// It was serving and now is not (down, drained, draining).
    public var wentOut: Bool {
        !Self.outOfService.contains(from.category) && Self.outOfService.contains(to.category)
    }

    /// It was out of service and now takes jobs again.
    public var cameBack: Bool {
        Self.outOfService.contains(from.category) && Self.inService.contains(to.category)
    }
}

/// Messages for the ops channel (`DISCORD_OPS_CHANNEL_ID` or the webhook): nodes going out of service and coming
/// back, one message per poll however many nodes changed; the poller failing and recovering. Nobody is pinged.
public enum OpsMessage {
    /// Nil when nothing in `changes` is worth telling the admins.
    public static func nodes(_ changes: [NodeChange], cluster: String, at: Int64) -> MessagePayload? {
        let out = changes.filter(\.wentOut).sorted { naturalLess($0.node, $1.node) }
        let back = changes.filter(\.cameBack).sorted { naturalLess($0.node, $1.node) }
        guard !out.isEmpty || !back.isEmpty else { return nil }
        var fields: [Embed.Field] = []
        if !out.isEmpty {
            let lines = out.map { change in
                "**\(change.node)** `\(change.to.description)`"
                    + (change.reason.map { ": " + UserText.plain($0, 120) } ?? "")
            }
            fields.append(.init(name: "Out of service (\(out.count))", value: fit(lines)))
        }
        if !back.isEmpty {
            let lines = back.map { change in
                "**\(change.node)** `\(change.to.description)`"
                    + (change.fromSince.map {
                        " after \(DurationWords.text(at - $0)) \(change.from.category.label)"
                    }
                        ?? "")
            }
            fields.append(.init(name: "Back in service (\(back.count))", value: fit(lines)))
        }
        var parts: [String] = []
        if !out.isEmpty { parts.append("\(out.count) node\(out.count == 1 ? "" : "s") out of service") }
        if !back.isEmpty { parts.append("\(back.count) back") }
        let embed = Embed(
            title: "Cluster \(cluster): " + parts.joined(separator: ", "),
            color: out.isEmpty ? 0x57F287 : 0xED4245, timestamp: ISO8601.string(at),
            footer: .init(text: "cluster \(cluster)"), fields: fields)
        return MessagePayload(embeds: [embed], allowedMentions: .nobody)
    }

    /// The poller has failed `count` times in a row since `since`.
    public static func pollerFailing(cluster: String, count: Int, since: Int64, error: String) -> MessagePayload {
        let embed = Embed(
            title: "Cluster \(cluster): the poller has failed \(count) times in a row",
            description: "Data shown in Discord is getting old. Last error: " + String(error.prefix(1000)),
            color: 0xED4245, timestamp: ISO8601.string(since), footer: .init(text: "cluster \(cluster) · failing since")
        )
        return MessagePayload(embeds: [embed], allowedMentions: .nobody)
    }

    /// The poller works again after `failures` failed polls over `seconds`.
    public static func pollerRecovered(cluster: String, failures: Int, seconds: Int, at: Int64) -> MessagePayload {
        let embed = Embed(
            title: "Cluster \(cluster): the poller works again",
            description:
                "After \(failures) failed polls over \(DurationWords.text(seconds)); the data is fresh again.",
            color: 0x57F287, timestamp: ISO8601.string(at), footer: .init(text: "cluster \(cluster)"))
        return MessagePayload(embeds: [embed], allowedMentions: .nobody)
    }

    /// `partition` has had no idle node and jobs waiting since `since`.
    public static func saturated(cluster: String, partition: String, since: Int64, pending: Int, at: Int64)
        -> MessagePayload
    {
        let embed = Embed(
            title: "Cluster \(cluster): partition \(partition) is full",
            description: "No idle node and \(pending) job\(pending == 1 ? "" : "s") waiting, for "
                + "\(DurationWords.text(at - since)) now.",
            color: 0xFEE75C, timestamp: ISO8601.string(since), footer: .init(text: "cluster \(cluster) · full since"))
        return MessagePayload(embeds: [embed], allowedMentions: .nobody)
    }

    /// `partition` has an idle node again, or nothing waiting, after being full since `since`.
    public static func unsaturated(cluster: String, partition: String, since: Int64, at: Int64) -> MessagePayload {
        let embed = Embed(
            title: "Cluster \(cluster): partition \(partition) has room again",
            description: "It was full for \(DurationWords.text(at - since)).", color: 0x57F287,
            timestamp: ISO8601.string(at), footer: .init(text: "cluster \(cluster)"))
        return MessagePayload(embeds: [embed], allowedMentions: .nobody)
    }

    /// Lines joined within a field's 1,024 characters, ending with how many did not fit.
    static func fit(_ lines: [String]) -> String {
        var kept: [String] = []
        var length = 0
        for (index, line) in lines.enumerated() {
            let more = "… and \(lines.count - index) more"
            if length + line.count + 1 + more.count > 1024 {
                kept.append(more)
                break
            }
            kept.append(line)
            length += line.count + 1
        }
        return kept.joined(separator: "\n")
    }
}
