import DiscordModels
import Store

/// Completes the `/link` requests a snapshot proves, inside that snapshot's transaction: the proof job is in the
/// jobs just written, owned by the claimed account. Each new link gets a watch on the account's jobs by DM (what
/// linking promises; `/unwatch user:` ends it) and a confirmation DM through the outbox, once.
struct LinkProofs {
    let cluster: String
    let recipients: AlertRecipients
    /// DMs need the bot token; without one the link still completes (for `/myjobs`), silently.
    let canDirectMessage: Bool

    /// Returns the links completed.
    @discardableResult
    func complete(_ connection: Connection, at: Int64) throws -> [Link] {
        let done = try connection.completeLinks(cluster: cluster, at: at)
        guard canDirectMessage else { return done }
        for link in done {
            // A watch of their own on the account (in a channel, say) is kept as they set it.
            let own = try connection.watches(cluster: cluster, discordUser: link.discordUser)
            if !own.contains(where: { $0.kind == .user && $0.subject == link.clusterUser }) {
                try connection.addWatch(
                    Watch(
                        cluster: cluster, kind: .user, subject: link.clusterUser, discordUser: link.discordUser,
                        notify: .dm, createdAt: at))
            }
            let text =
                "Linked: you are `\(link.clusterUser)` on cluster \(cluster), as Slurm itself said (job "
                + "`\(link.proofJobName)`). Your jobs' ends now reach you here; `/myjobs` lists your jobs, "
                + "`/unwatch user:\(link.clusterUser)` stops these messages and `/unlink` undoes the link."
            _ = try recipients.enqueue(
                connection, cluster: cluster, key: "link:\(cluster):\(link.discordUser):\(link.code)",
                payload: MessagePayload(content: text, allowedMentions: AllowedMentions()),
                to: AlertRecipients.Watcher(discordUser: link.discordUser, notify: .dm), at: at)
        }
        return done
    }
}
