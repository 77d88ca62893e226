import ClusterFacts
import DiscordModels
import Foundation
import SlurmKit
import Store
import WallTime

/// `/queue [user] [partition] [cluster]`: who runs what, the longest-running jobs, and why jobs wait.
struct QueueCommand: SlashCommand {
    let ephemeral = false
    var definition: CommandDefinition { CommandCatalog.definition("queue") }

    func run(_ context: CommandContext) async -> Reply {
        let user: String?
        let partition: String?
        do {
            user = try context.name("user")
            partition = try context.name("partition")
        } catch {
            return .problem(error.message)
        }
        let (now, cluster) = (context.now, context.string("cluster"))
        return await context.withCluster { connection, scope in
            let facts = try scope.facts(connection, checking: partition)
            if let user, facts.jobs(nil).byUser[user] == nil,
                try !connection.hasSeenUser(cluster: scope.cluster, user: user)
            {
                let known = facts.jobs(nil).byUser.keys.sorted()
                let near = Suggestions.similar(known, to: user)
                throw Refusal(
                    "No user \(user) has been seen on cluster \(scope.cluster): no job of theirs is queued or remembered."
                        + (near.isEmpty ? "" : " Did you mean \(near.joined(separator: ", "))?"))
            }
            var embed = Self.embed(facts, user: user, partition: partition, scope: scope)
            scope.sign(&embed, now: now)
            let options = [("user", user), ("partition", partition), ("cluster", cluster)].compactMap { name, value in
                value.map { (name, $0) }
            }
            return Reply(
                message: MessagePayload(
                    embeds: [embed], components: RefreshButton.rows(command: "queue", options: options)))
        }
    }

    static func embed(_ facts: ClusterFacts, user: String?, partition: String?, scope: ClusterScope) -> Embed {
        let jobs = facts.jobs(partition)
        var title = "Queue of " + (partition.map { "partition \($0)" } ?? "cluster \(facts.cluster)")
        if let user { title += ", user \(user)" }
        let mine = user.map { jobs.byUser[$0] ?? JobsSummary.UserJobs() }
        let (running, cpus, gpus, waiting) =
            mine.map { ($0.running, $0.cpus, $0.gpus, $0.waiting) }
            ?? (jobs.running, jobs.runningCPUs, jobs.runningGPUs, jobs.waiting)
        var description = "\(running) running (\(counted(cpus, "CPU")), \(counted(gpus, "GPU"))), \(waiting) waiting"
        if let user, running + waiting == 0 {
            description = "\(user) has no running or waiting jobs " + (partition.map { "in \($0) " } ?? "") + "now."
        }
        if user == nil {
            description += "\n" + Self.leaderboard(jobs.byUser)
        }
        var fields: [Embed.Field] = []
        let longest = (mine?.longestRunning ?? jobs.longestRunning).prefix(user == nil ? 5 : 10)
        if !longest.isEmpty {
            let lines = longest.map { job in
                // Two short lines read better on a phone than one that wraps anywhere.
                "`\(job.id)` " + (user == nil ? "**\(job.user)** " : "") + Self.short(job.name, 24) + "\n　ran "
                    + scope.elapsed(since: job.startedAt)
                    + (job.timeLeftSeconds.map { " · \(DurationWords.text($0)) left" } ?? "")
            }
            let name =
                (user == nil ? "Longest running" : "Running, longest first")
                + (running > longest.count ? " (\(longest.count) of \(running))" : "")
            fields.append(Embed.Field(name: name, value: Self.fit(lines, total: running)))
        }
        let reasons = mine?.waitingByReason ?? facts.waitingByReason[partition ?? PartitionUsage.allPartitions] ?? [:]
        if !reasons.isEmpty {
            var counts: [String: Int] = [:]
            for (code, count) in reasons { counts[JobReason.words(for: code), default: 0] += count }
            let lines = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                "\($0.value) · \($0.key)"
            }
            fields.append(Embed.Field(name: "Waiting, by reason", value: Self.fit(lines)))
        }
        return Embed(title: title, description: description, fields: fields)
    }

    /// The top users by running jobs, CPUs and GPUs, as a monospace table.
    static func leaderboard(_ users: [String: JobsSummary.UserJobs]) -> String {
        guard !users.isEmpty else { return "" }
        let ranked = users.sorted {
            ($0.value.running, $0.value.cpus, $1.key) > ($1.value.running, $1.value.cpus, $0.key)
        }
        var lines = ["USER          RUN   CPUS  GPUS  WAIT"]
        for (user, row) in ranked.prefix(10) {
            lines.append(
                Self.short(user, 12).padding(toLength: 12, withPad: " ", startingAt: 0)
                    + [row.running, row.cpus, row.gpus, row.waiting].map { String($0).leftPadded(6) }.joined())
        }
        if ranked.count > 10 { lines.append("… and \(ranked.count - 10) more users") }
        return "```\n" + lines.joined(separator: "\n") + "\n```"
    }

    /// Lines that fit one field (1024 characters), with a count of those left out.
    /// - Parameter total: how many lines there are in all, when `lines` holds only the first of them.
    static func fit(_ lines: [String], total: Int? = nil, limit: Int = 1024) -> String {
        var kept: [String] = []
        var length = 0
        let total = max(total ?? lines.count, lines.count)
        for (index, line) in lines.enumerated() {
            let note = "… and \(total - index) more"
            if length + line.count + 1 + note.count > limit {
                kept.append(note)
                break
            }
            kept.append(line)
            length += line.count + 1
        }
        if kept.count == lines.count, total > lines.count { kept.append("… and \(total - lines.count) more") }
        return kept.joined(separator: "\n")
    }

    /// At most `count` characters, with an ellipsis when cut; Markdown's special characters made harmless.
    static func short(_ text: String, _ count: Int) -> String {
        let clean = text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
        return clean.count <= count ? clean : String(clean.prefix(count - 1)) + "…"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
