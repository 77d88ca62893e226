import ClusterFacts
import DiscordModels
import Foundation
import Reports
import SlurmKit
import Store
import WallTime

/// `/status [partition] [cluster]`: the cluster at a glance, made for a phone: a paragraph on top, then one line per
/// partition with a traffic light and what is free, then the nodes out of service, the GPUs and what waits. The
/// embed's colour is the cluster's light (grey when the data needs attention).
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
        let options = [("partition", partition), ("cluster", cluster)].compactMap { name, value in
            value.map { (name, $0) }
        }
        return Reply(
            message: MessagePayload(
                embeds: [Self.embed(report, now: context.now)],
                components: RefreshButton.rows(command: "status", options: options)))
    }

    static func embed(_ report: StatusReport, now: Int64) -> Embed {
        let scope = ClusterScope(cluster: report.cluster, health: report.health ?? PollHealth())
        let title = "Cluster \(report.cluster)" + (report.partition.map { ", partition \($0)" } ?? "")
        var embed = Embed(title: title)
        var warnings: [String] = []
        if let poll = report.latestPoll, !poll.ok {
            warnings.append(
                "⚠️ The last \(counted(report.failuresSinceSuccess, "poll")) failed, the latest "
                    + DiscordTimestamp.markup(poll.time, .relative) + ": "
                    + QueueCommand.short(poll.error ?? "unknown", 300))
        }
        guard let facts = report.facts, report.snapshotTime != nil else {
            embed.description =
                (warnings + [
                    report.snapshotTime == nil
                        ? "No successful poll yet."
                        : "The summary of the last poll is not stored yet: the next poll writes it."
                ]).joined(separator: "\n")
            scope.sign(&embed, now: now)
            embed.color = Embed.untrusted
            return embed
        }
        if report.isStale, let age = scope.health.age(now: now) {
            warnings.insert("⚠️ Stale: this data is \(DurationWords.text(age)) old.", at: 0)
        }
        let partition = report.partition
        let free = facts.capacity.freeByScope()
        let lines = Self.partitionLines(facts, partition: partition, free: free)
        embed.description =
            (warnings + [StatusSummary.paragraph(facts, partition: partition, free: free), "", lines])
            .joined(separator: "\n")
        embed.fields = Self.fields(facts, partition: partition, scope: scope)
        scope.sign(&embed, now: now)
        let light = facts.light(partition, free: free[partition ?? PartitionUsage.allPartitions])
        embed.color = scope.isStale(now: now) ? Embed.untrusted : light.color
        return embed
    }

    /// "🟢 **cpu** 192 CPUs · 1.2 TB (15)" under "Free now (jobs waiting)", one per partition in Slurm's order.
    static func partitionLines(_ facts: ClusterFacts, partition: String?, free byScope: [String: FreeCapacity])
        -> String
    {
        let shown = facts.partitions.filter { partition == nil || $0.name == partition }
        var lines: [String] = []
        for info in shown.prefix(25) {
            let free = byScope[info.name] ?? FreeCapacity()
            let light = facts.light(info.name, free: free)
            // Short enough for one line at a phone's width (about 40 characters); the header names the columns.
            var line = "\(light.emoji) **\(info.name)**"
            if light == .down {
                line += " down"
            } else {
                line += " \(counted(free.free.cpus, "CPU"))"
                if (facts.usage(info.name)?.gpusTotal ?? 0) > 0 { line += " · \(counted(free.free.gpus, "GPU"))" }
                line += " · \(InspectCommand.gigabytes(free.free.memoryMB))"
            }
            line += " (\(facts.jobs(info.name).waiting))"
            lines.append(line)
        }
        if shown.count > 25 { lines.append("… and \(shown.count - 25) more partitions") }
        return "**Free now** (jobs waiting)\n" + lines.joined(separator: "\n")
    }

    static func fields(_ facts: ClusterFacts, partition: String?, scope: ClusterScope) -> [Embed.Field] {
        var fields: [Embed.Field] = []
        let troubled = facts.outOfService.filter { partition.map($0.partitions.contains) ?? true }
        if !troubled.isEmpty {
            let lines = troubled.prefix(10).map { node in
                var text = "`\(node.name)` \(NodeState(parsing: node.state).category.label)"
                if let reason = node.reason {
                    text += ": " + QueueCommand.short(reason.text, 80)
                    if let user = reason.user { text += " (\(user))" }
                }
                if let since = node.since ?? node.reason?.time { text += ", " + scope.relative(since) }
                return text
            }
            var value = QueueCommand.fit(lines)
            if troubled.count > 10 {
                value +=
                    "\n… and \(troubled.count - 10) more: "
                    + QueueCommand.short(Hostlist.compress(troubled.dropFirst(10).map(\.name)), 200)
            }
            fields.append(.init(name: "Out of service (\(troubled.count))", value: value))
        }
        let scopeName = partition ?? PartitionUsage.allPartitions
        let onDemand = facts.capacity.readyOnDemand(in: partition)
        if onDemand.nodes > 0 {
            fields.append(
                .init(
                    name: "Powered down, ready on demand (\(onDemand.nodes))",
                    value: "\(CanRunCommand.resources(onDemand.size)): Slurm powers them up when a job needs them."))
        }
        if let gpus = facts.gpus[scopeName], !gpus.byType.isEmpty {
            var lines = gpus.byType.keys.sorted().map { type in
                let count = gpus.byType[type]!
                return "\(ClusterFacts.GPUSummary.label(type)): \(count.free) of \(count.total) free"
            }
            if let best = gpus.mostFree { lines.append("most on `\(best.name)` (\(best.free))") }
            fields.append(.init(name: "GPUs", value: lines.joined(separator: "\n")))
        }
        let reasons = facts.waitingByReason[scopeName] ?? [:]
        let waiting = reasons.values.reduce(0, +)
        if waiting > 0 {
            var counts: [String: Int] = [:]
            for (code, count) in reasons { counts[JobReason.words(for: code), default: 0] += count }
            let lines = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                "\($0.value) · \($0.key)"
            }
            fields.append(.init(name: "Waiting (\(waiting))", value: QueueCommand.fit(lines)))
        }
        return fields
    }
}
