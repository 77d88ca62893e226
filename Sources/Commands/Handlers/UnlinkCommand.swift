import DiscordModels
import Store

/// `/unlink [cluster]`: ends the asker's link (or pending request) and the job-end DMs it brought.
struct UnlinkCommand: SlashCommand {
    let ephemeral = true
    var definition: CommandDefinition { CommandCatalog.definition("unlink") }

    func run(_ context: CommandContext) async -> Reply {
        guard let person = context.interaction.invoker?.id else { return .problem("Discord did not say who you are.") }
        return await context.withCluster(writes: true) { connection, scope in
            guard let link = try connection.removeLink(cluster: scope.cluster, discordUser: person) else {
                return .problem("You have no link on cluster \(scope.cluster).")
            }
            guard link.linkedAt != nil else {
                return .forAsker("Cancelled your request to link `\(link.clusterUser)`; its code no longer works.")
            }
            let watches = try connection.removeWatches(
                cluster: scope.cluster, discordUser: person, kind: .user, subject: link.clusterUser)
            return .forAsker(
                "Unlinked `\(link.clusterUser)` on cluster \(scope.cluster)."
                    + (watches > 0 ? " Its job-end DMs stop too." : ""))
        }
    }
}
