import Discord
import Foundation
import SlurmKit
import Store

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
        let (now, timeZone, cluster) = (context.now, context.timeZone, context.string("cluster"))
        return await context.withCluster { connection, scope in
            _ = try scope.partitions(connection, checking: partition)
            let jobs = try connection.jobs(
                cluster: scope.cluster, filter: JobFilter(user: user, partition: partition, limit: 10_000_000)
            ).map(\.job)
            var embed = Self.embed(jobs, user: user, partition: partition, cluster: scope.cluster, now: now)
            embed.color = Embed.color(stale: scope.isStale(now: now))
            embed.footer = .init(text: scope.footer(now: now, timeZone: timeZone))
            let options = [("user", user), ("partition", partition), ("cluster", cluster)].compactMap { name, value in
                value.map { (name, $0) }
            }
            return Reply(
                message: MessagePayload(
                    embeds: [embed], components: RefreshButton.rows(command: "queue", options: options)))
        }
    }

    static func embed(_ jobs: [Job], user: String?, partition: String?, cluster: String, now: Int64) -> Embed {
        let running = jobs.filter { $0.state == .running }
        let pending = jobs.filter { $0.state == .pending }
        var title = "Queue of " + (partition.map { "partition \($0)" } ?? "cluster \(cluster)")
        if let user { title += ", user \(user)" }
        var fields: [Embed.Field] = []
        let summary =
            "\(running.count) running (\(counted(running.reduce(0) { $0 + $1.cpus }, "CPU")), \(counted(running.reduce(0) { $0 + $1.gpus }, "GPU"))), "
            + "\(pending.count) waiting"
        var description = summary
        if user == nil {
            description += "\n" + Self.leaderboard(running, pending: pending)
        }
        let longest = running.compactMap { job in job.startTime.map { (job, now - $0) } }.sorted { $0.1 > $1.1 }.prefix(
            user == nil ? 5 : 10)
        if !longest.isEmpty {
            let lines = longest.map { job, seconds in
                "`\(job.displayID)` \(job.user) · \(Self.short(job.name, 24)) · \(SlurmDuration.format(Int(seconds)))"
                    + (job.timeLeft.seconds.map { " · \(SlurmDuration.format($0)) left" } ?? "")
            }
            fields.append(Embed.Field(name: user == nil ? "Longest running" : "Running", value: Self.fit(lines)))
        }
        if !pending.isEmpty {
            var counts: [String: Int] = [:]
            for job in pending { counts[JobReason.words(for: job.reason.code), default: 0] += 1 }
            let lines = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                "\($0.value) · \($0.key)"
            }
            fields.append(Embed.Field(name: "Waiting, by reason", value: Self.fit(lines)))
        }
        return Embed(title: title, description: description, fields: fields)
    }

    /// The top users by running jobs, CPUs and GPUs, as a monospace table.
    static func leaderboard(_ running: [Job], pending: [Job]) -> String {
        struct Row {
            var jobs = 0, cpus = 0, gpus = 0, waiting = 0
        }
        var rows: [String: Row] = [:]
        for job in running {
            rows[job.user, default: Row()].jobs += 1
            rows[job.user, default: Row()].cpus += job.cpus
            rows[job.user, default: Row()].gpus += job.gpus
        }
        for job in pending { rows[job.user, default: Row()].waiting += 1 }
        guard !rows.isEmpty else { return "" }
        let ranked = rows.sorted { ($0.value.jobs, $0.value.cpus, $1.key) > ($1.value.jobs, $1.value.cpus, $0.key) }
        var lines = ["USER          RUN   CPUS  GPUS  WAIT"]
        for (user, row) in ranked.prefix(10) {
            lines.append(
                Self.short(user, 12).padding(toLength: 12, withPad: " ", startingAt: 0)
                    + [row.jobs, row.cpus, row.gpus, row.waiting].map { String($0).leftPadded(6) }.joined())
        }
        if ranked.count > 10 { lines.append("… and \(ranked.count - 10) more users") }
        return "```\n" + lines.joined(separator: "\n") + "\n```"
    }

    /// Lines that fit one field (1024 characters), with a count of those left out.
    static func fit(_ lines: [String], limit: Int = 1024) -> String {
        var kept: [String] = []
        var length = 0
        for (index, line) in lines.enumerated() {
            let note = "… \(lines.count - index) more"
            if length + line.count + 1 + note.count > limit {
                kept.append(note)
                break
            }
            kept.append(line)
            length += line.count + 1
        }
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
