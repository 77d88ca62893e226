import DiscordModels
import SlurmKit
import Store

/// `/unwatch [job] [user] [cluster]`: stop one watch, or all of yours on the cluster when neither is given.
struct UnwatchCommand: SlashCommand {
    let ephemeral = true
    var definition: CommandDefinition { CommandCatalog.definition("unwatch") }

    func run(_ context: CommandContext) async -> Reply {
        let target: WatchTarget
        do { target = try WatchTarget(context) } catch { return .problem(error.message) }
        let (person, job, user) = (target.person, target.job, target.user)
        return await context.withCluster(writes: true) { connection, scope in
            var subject = job ?? user
            if let job, let record = try connection.job(cluster: scope.cluster, id: job) {
                subject = record.job.arrayJobID.map(String.init) ?? String(record.job.jobID)
            }
            let kind: Watch.Kind? = job != nil ? .job : (user != nil ? .user : nil)
            let removed = try connection.removeWatches(
                cluster: scope.cluster, discordUser: person, kind: kind, subject: subject)
            guard removed > 0 else {
                return .problem(
                    subject.map { "You were not watching \($0) on cluster \(scope.cluster)." }
                        ?? "You have no watches on cluster \(scope.cluster).")
            }
            return .forAsker(
                subject.map { "Stopped watching \($0)." }
                    ?? "Stopped all \(counted(removed, "watch")) of yours on cluster \(scope.cluster).")
        }
    }
}
