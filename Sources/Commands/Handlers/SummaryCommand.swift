import Analyst
import ClusterFacts
import DiscordModels
import Foundation
import Store
import WallTime

/// `/summary [partition] [cluster]`: the analyst's latest summary, written by the poller when the free resources
/// changed (so it answers at once, whoever wrote it); for one partition, or before the first summary, the built-in
/// analyst writes one from the newest facts. Every summary says who wrote it and from data how old.
struct SummaryCommand: SlashCommand {
    let ephemeral = false

    var definition: CommandDefinition { CommandCatalog.definition("summary") }

    func run(_ context: CommandContext) async -> Reply {
        let partition: String?
        do {
            partition = try context.name("partition")
        } catch {
            return .problem(error.message)
        }
        let now = context.now
        return await context.withCluster { connection, scope in
            let facts = try scope.facts(connection, checking: partition)
            let stored = try connection.latestSummary(cluster: scope.cluster)
            let text: String
            let author: String
            let writtenFrom: Int64
            if partition == nil, let stored {
                (text, author, writtenFrom) = (stored.text, stored.author, stored.snapshotAt)
            } else {
                let previous = stored.flatMap {
                    try? JSONDecoder().decode(SummaryBasis.self, from: Data($0.basis.utf8))
                }
                text = BuiltInAnalyst.summary(
                    SummaryRequest(
                        facts: facts, previous: partition == nil ? previous : nil, partition: partition, now: now))
                (author, writtenFrom) = ("built-in", facts.snapshotAt)
            }
            var embed = Embed(
                title: "Summary of \(scope.cluster)" + (partition.map { ", partition \($0)" } ?? ""),
                description: String(text.prefix(3800)) + "\n\n"
                    + Self.byline(author, from: writtenFrom, scope, now: now))
            scope.sign(&embed, now: now)
            let options = [("partition", partition), ("cluster", context.string("cluster"))].compactMap { name, value in
                value.map { (name, $0) }
            }
            return Reply(
                message: MessagePayload(
                    embeds: [embed], components: RefreshButton.rows(command: "summary", options: options)))
        }
    }

    /// "-# Written by Gemini 2.5 Flash from data 2 min old": Discord's small print, under the words.
    static func byline(_ author: String, from snapshotAt: Int64, _ scope: ClusterScope, now: Int64) -> String {
        let age = max(0, now - scope.health.ourTime(snapshotAt))
        return "-# Written by \(author) from data \(DurationWords.text(age)) old"
    }
}
