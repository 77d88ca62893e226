import Analyst
import ClusterFacts
import DiscordModels
import Foundation
import Store

/// `/ask question`: a question in the asker's own words, answered by the analyst from the newest facts and the
/// read-only tools (`CommandToolbox`); a model's answer is checked against what it read, and the built-in analyst
/// answers when there is no model or the model's answer cannot be trusted. Slow models are deferred by the
/// endpoint and cut off by the analyst's own time limit, well inside Discord's 15 minutes.
struct AskCommand: SlashCommand {
    let ephemeral = false

    var definition: CommandDefinition { CommandCatalog.definition("ask") }

    static let maxQuestion = 300

    func run(_ context: CommandContext) async -> Reply {
        let question = (context.string("question") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else { return .problem("Ask a question, such as: is there a free GPU?") }
        guard question.count <= Self.maxQuestion else {
            return .problem("That question is longer than \(Self.maxQuestion) characters; ask it more briefly.")
        }
        let loaded: (ClusterScope, ClusterFacts)
        do {
            loaded = try await context.reading { connection, scope in
                (scope, try scope.facts(connection, checking: nil))
            }
        } catch {
            return error.reply
        }
        let (scope, facts) = loaded
        let answer = await context.analyst.ask(
            question, about: SummaryRequest(facts: facts, now: context.now), toolbox: CommandToolbox(context))
        var byline = SummaryCommand.byline(answer.author, from: facts.snapshotAt, scope, now: context.now)
        if answer.fallback != nil {
            byline += " (\(context.analyst.author)'s answer could not be checked against the data, so it is not shown)"
        }
        var embed = Embed(
            title: "❓ " + String(question.prefix(240)),
            description: String(answer.text.prefix(3800)) + "\n\n" + byline)
        scope.sign(&embed, now: context.now)
        return Reply(message: MessagePayload(embeds: [embed]))
    }
}
