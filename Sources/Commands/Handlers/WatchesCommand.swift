import DiscordModels
import Foundation
import Store

/// `/watches [cluster]`: your watches, and the alerts that could not reach you, with Discord's reason (DMs closed,
/// a channel gone) so you can fix it.
struct WatchesCommand: SlashCommand {
    let ephemeral = true
    var definition: CommandDefinition { CommandCatalog.definition("watches") }

    func run(_ context: CommandContext) async -> Reply {
        guard let person = context.interaction.invoker?.id else { return .problem("Discord did not say who you are.") }
        return await context.withCluster { connection, scope in
            let watches = try connection.watches(cluster: scope.cluster, discordUser: person)
            let undelivered = try connection.undeliveredAlerts(cluster: scope.cluster, discordUser: person)
            var fields: [Embed.Field] = []
            if !watches.isEmpty {
                let lines = watches.map { watch in
                    (watch.kind == .job ? "job \(watch.subject)" : "all jobs of `\(watch.subject)`")
                        + (watch.notify == .dm ? " · by DM" : " · in <#\(watch.channel ?? "")>")
                        + (watch.warn ? " · warns at 90 %" : "")
                }
                fields.append(.init(name: "Watching", value: QueueCommand.fit(lines)))
            }
            if !undelivered.isEmpty {
                let lines = undelivered.map { alert in
                    let state = alert.failedAt != nil ? "not delivered" : "still trying (\(alert.attempts) tries)"
                    return "\(DiscordTimestamp.moment(alert.createdAt)) · \(state): "
                        + QueueCommand.short(alert.lastError ?? "unknown", 160)
                }
                fields.append(.init(name: "Alerts that did not reach you", value: QueueCommand.fit(lines)))
            }
            let description =
                watches.isEmpty
                ? "You watch nothing on cluster \(scope.cluster). Try /watch job:<id> or /watch user:<cluster user>."
                : nil
            return Reply(
                message: MessagePayload(
                    embeds: [
                        Embed(
                            title: "Your watches on cluster \(scope.cluster)", description: description, fields: fields)
                    ]),
                ephemeral: true)
        }
    }
}
