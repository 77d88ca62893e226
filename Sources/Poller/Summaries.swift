public import Analyst
import ClusterFacts
import DiscordModels
import Foundation
import Logging
public import Store
import WallTime

/// The analyst's part of a poll: after a snapshot whose free resources changed (`SummaryBasis.changeKey`), write a
/// new summary for `/summary`, and queue it for the summary channel at most every `every` seconds, through the
/// outbox, so it is posted exactly once however the poller is stopped.
public struct SummarySettings: Sendable {
    public var analyst: any Analyst
    /// `SLURMBOT_SUMMARY_CHANNEL_ID`; nil posts nowhere (summaries are still written).
    public var channel: String?
    /// `SLURMBOT_SUMMARY_EVERY`, seconds.
    public var every: Int

    public init(analyst: any Analyst = BuiltInAnalyst(), channel: String? = nil, every: Int = 1800) {
        self.analyst = analyst
        self.channel = channel
        self.every = every
    }
}

extension Poller {
    /// Writes a summary when the free resources changed since the last one; returns it, or nil when none was due.
    /// A store error is logged, never thrown: the poll itself is already stored.
    @discardableResult
    public func summarize(now: Int64) async -> StoredSummary? {
        let cluster = self.cluster
        let settings = self.summaries
        do {
            let loaded = try await database.read { connection -> (ClusterFacts, StoredSummary?, Int64?)? in
                guard let facts = try connection.latestFacts(cluster: cluster) else { return nil }
                return (
                    facts, try connection.latestSummary(cluster: cluster),
                    try connection.lastPostedSummaryAt(cluster: cluster)
                )
            }
            guard let (facts, latest, lastPosted) = loaded else { return nil }
            let basis = SummaryBasis(facts)
            guard latest?.changeKey != basis.changeKey else { return nil }
            let previous = latest.flatMap { try? JSONDecoder().decode(SummaryBasis.self, from: Data($0.basis.utf8)) }
            let answer = await settings.analyst.summarize(SummaryRequest(facts: facts, previous: previous, now: now))
            if let reason = answer.fallback {
                logger.warning("the summary is the built-in one", metadata: ["reason": "\(reason)"])
            }
            let post = settings.channel != nil && (lastPosted.map { now - $0 >= Int64(settings.every) } ?? true)
            let summary = StoredSummary(
                cluster: cluster, snapshotAt: facts.snapshotAt, createdAt: now, author: answer.author,
                fallback: answer.fallback, text: answer.text, changeKey: basis.changeKey,
                basis: String(decoding: try JSONEncoder().encode(basis), as: UTF8.self), posted: post)
            let message = Self.message(summary, now: now)
            let channel = settings.channel
            try await database.run { connection in
                try connection.transaction {
                    try connection.writeSummary(summary)
                    if post, let channel {
                        try connection.enqueue(
                            OutboxAlert(
                                dedupKey: "summary:\(cluster):\(facts.snapshotAt)", cluster: cluster, createdAt: now,
                                destination: .channel, target: channel, discordUser: nil,
                                payload: String(decoding: try JSONEncoder().encode(message), as: UTF8.self),
                                nextAttemptAt: OutboxAlert.dueNow))
                    }
                }
            }
            return summary
        } catch {
            logger.error("the summary could not be written", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The summary channel's message: the words, who wrote them, and the snapshot's time.
    static func message(_ summary: StoredSummary, now: Int64) -> MessagePayload {
        var embed = Embed(
            title: "Summary of \(summary.cluster)",
            description: String(summary.text.prefix(3800)) + "\n\n-# Written by \(summary.author) from the poll of "
                + DiscordTimestamp.markup(summary.snapshotAt, .time))
        embed.color = 0x5865F2
        embed.timestamp = WallClock.iso8601(summary.snapshotAt)
        embed.footer = .init(text: "cluster \(summary.cluster) · data as of")
        var message = MessagePayload(embeds: [embed])
        message.allowedMentions = .nobody
        return message
    }
}
