import ClusterFacts
import DiscordModels
import Foundation
import SlurmKit
import Store
import WallTime

/// `/inspect node [cluster]`: one node in detail, from the latest snapshot: state with every flag, the reason with
/// who and when, resources, its jobs when busy, and since when it has been idle.
///
/// With a live probe configured for the cluster, load and available memory are read on the node itself (the
/// endpoint defers the reply if that takes a while); otherwise, or when the probe fails, they are Slurm's figures
/// from the last poll, and the reply says which.
struct InspectCommand: SlashCommand {
    let ephemeral = false
    var definition: CommandDefinition { CommandCatalog.definition("inspect") }

    func run(_ context: CommandContext) async -> Reply {
        let name: String
        do {
            guard let given = try context.name("node") else { return .problem("Which node? /inspect node:NAME") }
            name = given
        } catch {
            return .problem(error.message)
        }
        let found: Found
        do {
            found = try await context.reading { connection, scope in
                let nodes = try connection.currentNodes(cluster: scope.cluster)
                guard let node = nodes.first(where: { $0.name == name }) else {
                    let close = Suggestions.similar(nodes.map(\.name), to: name)
                    throw Refusal(
                        "No node \(name) in cluster \(scope.cluster)."
                            + (close.isEmpty ? "" : " Similar: " + close.joined(separator: ", ")))
                }
                let running = try connection.jobs(
                    cluster: scope.cluster, filter: JobFilter(states: [.running, .suspended], limit: 10_000_000)
                )
                .map(\.job).filter { $0.runs(on: name) }
                // Slurm's own LastBusyTime when it prints one (it knows from before our first poll), else the history.
                let idleSince =
                    node.state.category == .idle
                    ? try node.lastBusy.flatMap { $0 <= scope.snapshotAt ?? $0 ? $0 : nil }
                        ?? connection.idleSince(cluster: scope.cluster, node: name) : nil
                return Found(node: node, jobs: running, idleSince: idleSince, scope: scope)
            }
        } catch {
            return error.reply
        }
        var live: Result<NodeVitals, NodeProbeError>?
        if let probe = context.nodeProbe, probe.cluster == found.scope.cluster {
            live = await probe.vitals(of: name)
        }
        let now = context.now
        var embed = Self.embed(found.node, jobs: found.jobs, idleSince: found.idleSince, live: live, scope: found.scope)
        found.scope.sign(&embed, now: now)
        return Reply(message: MessagePayload(embeds: [embed]))
    }

    /// What the store says about the node.
    struct Found: Sendable {
        var node: Node
        var jobs: [Job]
        var idleSince: Int64?
        var scope: ClusterScope
    }

    /// - Parameter live: what the node's live probe said, or nil when there is none for this cluster.
    static func embed(
        _ node: Node, jobs: [Job], idleSince: Int64?, live: Result<NodeVitals, NodeProbeError>? = nil,
        scope: ClusterScope
    ) -> Embed {
        let vitals = try? live?.get()
        var fields: [Embed.Field] = []
        var state = "`\(node.state.description)` (\(node.state.category.label))"
        if let idleSince {
            state += "\nidle for \(scope.elapsed(since: idleSince)), since \(scope.moment(idleSince))"
        }
        fields.append(.init(name: "State", value: state, inline: true))
        if let reason = node.reason {
            var text = QueueCommand.short(reason.text, 200)
            if let user = reason.user { text += "\nby \(user)" }
            if let time = reason.time {
                text += (reason.user == nil ? "\n" : ", ") + scope.moment(time)
            }
            fields.append(.init(name: "Reason", value: text, inline: true))
        }
        fields.append(
            .init(
                name: "Partitions", value: node.partitions.isEmpty ? "none" : node.partitions.joined(separator: ", "),
                inline: true))
        let load =
            vitals.map {
                String(format: "load %.2f now (%.2f over 5 min, %.2f over 15)", $0.loads[0], $0.loads[1], $0.loads[2])
            }
            ?? node.cpuLoad.map { String(format: "load %.2f", $0) } ?? "load unknown"
        fields.append(
            .init(
                name: "CPUs", value: "\(node.cpusAllocated) of \(node.cpusEffective) allocated · \(load)", inline: true)
        )
        var memory = "\(Self.gigabytes(node.memoryAllocatedMB)) of \(Self.gigabytes(node.memoryMB)) allocated"
        if let vitals {
            memory +=
                " · \(Self.gigabytes(vitals.memoryAvailableMB)) of \(Self.gigabytes(vitals.memoryTotalMB)) available now"
        } else if let free = node.memoryFreeMB {
            memory += " · \(Self.gigabytes(free)) free"
        }
        fields.append(.init(name: "Memory", value: memory, inline: true))
        if node.gpusTotal > 0 {
            let byType = ClusterFacts.GPUSummary.byType(node)
            let types = byType.keys.sorted().map { type in
                let count = byType[type]!
                return byType.count == 1
                    ? ClusterFacts.GPUSummary.label(type)
                    : "\(ClusterFacts.GPUSummary.label(type)) \(count.total - count.free) of \(count.total)"
            }
            let typed = Set(byType.keys) != [ClusterFacts.GPUSummary.untyped]
            fields.append(
                .init(
                    name: "GPUs",
                    value: "\(node.gpusUsed) of \(node.gpusTotal) in use"
                        + (typed ? " (" + types.joined(separator: ", ") + ")" : ""),
                    inline: true))
        }
        if !node.activeFeatures.isEmpty {
            fields.append(
                .init(
                    name: "Features", value: QueueCommand.short(node.activeFeatures.joined(separator: ", "), 1000),
                    inline: true))
        }
        if !jobs.isEmpty {
            let lines = jobs.sorted { ($0.startTime ?? 0) < ($1.startTime ?? 0) }.map { job in
                let elapsed = job.startTime.map { scope.elapsed(since: $0) } ?? "?"
                let left = job.timeLeft.seconds.map { ", \(DurationWords.text($0)) left" } ?? ""
                return
                    "`\(job.displayID)` \(job.user) · \(QueueCommand.short(job.name, 28)) · \(elapsed) running\(left)"
            }
            fields.append(.init(name: "Jobs (\(jobs.count))", value: QueueCommand.fit(lines)))
        }
        return Embed(
            title: "Node \(node.name)", description: Self.source(of: live), fields: fields)
    }

    /// Where load and memory come from, so nobody takes a poll's figures for the node's state right now.
    static func source(of live: Result<NodeVitals, NodeProbeError>?) -> String {
        switch live {
        case .success: "Load and available memory read on the node just now; allocations as of the last poll."
        case .failure(let error):
            "Live figures unavailable: \(error.description). Load and memory as Slurm reported them at the last poll."
        case nil: "Load and memory as Slurm reported them at the last poll."
        }
    }

    /// "0.5 GB", "62 GB", "187 GB", "1.5 TB", "5 TB": memory as Slurm's users think of it.
    static func gigabytes(_ megabytes: Int) -> String {
        if megabytes >= 1_048_576 {
            let terabytes = Double(megabytes) / 1_048_576
            return megabytes % 1_048_576 == 0 || terabytes >= 10
                ? "\(Int(terabytes.rounded())) TB" : String(format: "%.1f TB", terabytes)
        }
        return megabytes >= 10_240 || megabytes % 1024 == 0
            ? "\(megabytes / 1024) GB" : String(format: "%.1f GB", Double(megabytes) / 1024)
    }
}
