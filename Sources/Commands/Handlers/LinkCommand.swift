import DiscordModels
import Foundation
import Store

/// `/link cluster_user [cluster]`: ties the asker's Discord account to a Slurm account, proven rather than
/// claimed. The answer is a one-time code and an `sbatch` line to run as that account; the poll sees every job's
/// owner, so a job of that name owned by the account, submitted before the code expires, completes the link
/// (confirmed by DM). Nothing the person typed reaches a shell: the name is checked and stored, the code is ours.
struct LinkCommand: SlashCommand {
    let ephemeral = true
    var definition: CommandDefinition { CommandCatalog.definition("link") }

    /// How long a code can be proven.
    static let validity: Int64 = 30 * 60

    func run(_ context: CommandContext) async -> Reply {
        guard let person = context.interaction.invoker?.id else { return .problem("Discord did not say who you are.") }
        let account: String
        do {
            guard let name = try context.name("cluster_user") else {
                return .problem("Give the Slurm account to link: /link cluster_user:<your login on the cluster>.")
            }
            account = name
        } catch {
            return .problem(error.message)
        }
        let now = context.now
        let code = Self.makeCode()
        return await context.withCluster(writes: true) { connection, scope in
            let previous = try connection.link(cluster: scope.cluster, discordUser: person)
            let link = Link(
                cluster: scope.cluster, discordUser: person, clusterUser: account, code: code, issuedAt: now,
                expiresAt: now + Self.validity)
            try connection.requestLink(link)
            var text = "To prove you are `\(account)` on cluster \(scope.cluster), run this there **as \(account)** "
            text += "before \(scope.moment(link.expiresAt)):\n"
            text += "```\nsbatch --job-name=\(link.proofJobName) --time=1 --wrap=true\n```\n"
            text += "Slurm itself then vouches for the account: when a poll sees that job (waiting, running or just "
            text += "ended), I link you and say so by direct message. From then on your jobs' ends reach you by DM "
            text += "(`/unwatch user:\(account)` stops that) and `/myjobs` lists them."
            if let previous, previous.linkedAt != nil, previous.clusterUser != account {
                text += "\nThis replaces your link to `\(previous.clusterUser)`."
            }
            return .forAsker(text)
        }
    }

    /// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), random: 32^8 codes.
    static func makeCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
