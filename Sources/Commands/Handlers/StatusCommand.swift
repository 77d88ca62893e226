import DiscordModels
import Foundation
import Reports
import Store

/// `/status [partition] [cluster]`: the plain-text status, in an embed coloured by the data's health.
struct StatusCommand: SlashCommand {
    let ephemeral = false

    var definition: CommandDefinition { CommandCatalog.definition("status") }

    func run(_ context: CommandContext) async -> Reply {
        let partition: String?
        let cluster: String?
        do {
            (partition, cluster) = (try context.name("partition"), try context.name("cluster"))
        } catch {
            return .problem(error.message)
        }
        guard let database = context.database else { return .problem("This bot has no cluster data configured yet.") }
        let outcome: StatusLoader.Outcome
        do {
            let (defaultCluster, timeZone, now) = (context.defaultCluster, context.timeZone, context.now)
            outcome = try await database.read { connection in
                try StatusLoader.load(
                    connection, cluster: cluster, defaultCluster: defaultCluster, partition: partition,
                    timeZone: timeZone, now: now)
            }
        } catch {
            return .storeFailure(error)
        }
        guard case .report(let report) = outcome else { return .problem(outcome.text) }
        let color =
            report.latestPoll?.ok == false
            ? 0xED4245
            : report.isStale ? 0xFEE75C : 0x57F287
        let title = "Cluster \(report.cluster)" + (partition.map { ", partition \($0)" } ?? "")
        let options = [("partition", partition), ("cluster", cluster)].compactMap { name, value in
            value.map { (name, $0) }
        }
        return Reply(
            message: MessagePayload(
                embeds: [Embed(title: title, description: Self.codeBlock(report.render(), limit: 4096), color: color)],
                components: RefreshButton.rows(command: "status", options: options)))
    }

    /// The text in a code block that fits `limit` characters, cut at a line end with a note when it must be.
    static func codeBlock(_ text: String, limit: Int) -> String {
        let fence = "```"
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        var kept: [String] = []
        var length = fence.count * 2 + 2
        for (index, line) in lines.enumerated() {
            let note = "… \(lines.count - index) more lines"
            if length + line.count + 1 + note.count + 1 > limit {
                kept.append(note)
                break
            }
            kept.append(line)
            length += line.count + 1
        }
        return fence + "\n" + kept.joined(separator: "\n") + "\n" + fence
    }
}
