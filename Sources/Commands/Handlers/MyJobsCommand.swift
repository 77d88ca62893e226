import DiscordModels
import SlurmKit
import Store

/// `/myjobs [cluster]`: the linked account's running and waiting jobs, time left, why each waits in plain
/// words and when Slurm expects it to start. Only for a linked account: "your jobs" is said to their owner only.
struct MyJobsCommand: SlashCommand {
    let ephemeral = true
    var definition: CommandDefinition { CommandCatalog.definition("myjobs") }

    static let shown = 10

    func run(_ context: CommandContext) async -> Reply {
        guard let person = context.interaction.invoker?.id else { return .problem("Discord did not say who you are.") }
        let now = context.now
        return await context.withCluster { connection, scope in
            guard let link = try connection.link(cluster: scope.cluster, discordUser: person), link.linkedAt != nil
            else {
                return .problem(
                    "Your Discord account is not linked to a Slurm account on cluster \(scope.cluster): "
                        + "/link cluster_user:<your login> first.")
            }
            let jobs = try connection.jobs(
                cluster: scope.cluster, filter: JobFilter(user: link.clusterUser, listedOnly: true, limit: 2000)
            ).map(\.job)
            let running = jobs.filter { $0.state.holdsResources }.sorted { ($0.startTime ?? 0) < ($1.startTime ?? 0) }
            let waiting = jobs.filter { JobState.waiting.contains($0.state) }.sorted { $0.jobID < $1.jobID }
            var fields: [Embed.Field] = []
            if !running.isEmpty {
                fields.append(
                    .init(name: "Running", value: Self.lines(running, more: running.count) { Self.running($0, scope) }))
            }
            if !waiting.isEmpty {
                fields.append(
                    .init(name: "Waiting", value: Self.lines(waiting, more: waiting.count) { Self.waiting($0, scope) }))
            }
            var description =
                running.isEmpty && waiting.isEmpty
                ? "No running or waiting job now."
                : "\(running.count) running, \(waiting.reduce(0) { $0 + $1.taskCount }) waiting."
            if !waiting.isEmpty { description += " `/why job:<id>` explains a wait in full." }
            var embed = Embed(
                title: "Your jobs on \(scope.cluster) (\(link.clusterUser))", description: description, fields: fields)
            scope.sign(&embed, now: now)
            return Reply(message: MessagePayload(embeds: [embed]))
        }
    }

    static func lines(_ jobs: [Job], more total: Int, _ line: (Job) -> String) -> String {
        var lines = jobs.prefix(shown).map(line)
        if total > shown { lines.append("…and \(total - shown) more (/queue user: lists them all)") }
        return QueueCommand.fit(lines)
    }

    /// "`123` train: on n1, time limit in 2 hours"
    static func running(_ job: Job, _ scope: ClusterScope) -> String {
        var text = "`\(job.displayID)` \(QueueCommand.short(job.name, 30))"
        if job.state != .running { text += " (\(job.state.plainWords))" }
        if let nodes = job.nodeList { text += ": on \(QueueCommand.short(nodes, 24))" }
        if let end = job.endTime ?? job.startTime.flatMap({ start in job.timeLimit.seconds.map { start + Int64($0) } })
        {
            text += ", time limit \(scope.relative(end))"
        }
        return text
    }

    /// "`124` sweep ×4: waiting for free resources; Slurm expects it in 3 hours"
    static func waiting(_ job: Job, _ scope: ClusterScope) -> String {
        var text = "`\(job.displayID)` \(QueueCommand.short(job.name, 30))"
        if job.taskCount > 1 { text += " ×\(job.taskCount)" }
        text += ": \(job.reason.plainWords)"
        // Slurm's estimate means something only for a job that waits its turn (not one held or waiting on another).
        if let start = job.startTime, ["Priority", "Resources"].contains(job.reason.code) {
            text += "; Slurm expects it \(scope.relative(start))"
        }
        return text
    }
}
