import ClusterFacts
import DiscordModels
import Foundation
import SlurmKit
import Store
import WallTime

/// `/canrun [cpus] [mem] [gpus] [partition] [time] [nodes] [cluster]`: which nodes fit such a job best now, or when
/// the first should, or, when it can never start as asked, which resource no node has enough of; with an `sbatch`
/// line for the best fit.
struct CanRunCommand: SlashCommand {
    let ephemeral = false
    var definition: CommandDefinition { CommandCatalog.definition("canrun") }

    func run(_ context: CommandContext) async -> Reply {
        let request: ResourceFit.Request
        let partition: String?
        do {
            partition = try context.name("partition")
            request = try Self.request(context)
        } catch {
            return .problem(error.message)
        }
        let now = context.now
        return await context.withCluster { connection, scope in
            let facts = try scope.facts(connection, checking: partition)
            let answer = ResourceFit.answer(request, facts: facts, in: partition)
            var embed = Self.embed(answer, request: request, partition: partition, scope: scope)
            scope.sign(&embed, now: now)
            return Reply(message: MessagePayload(embeds: [embed]))
        }
    }

    static func request(_ context: CommandContext) throws(Refusal) -> ResourceFit.Request {
        var request = ResourceFit.Request()
        if let cpus = context.options["cpus"]?.integer {
            guard (1...100_000).contains(cpus) else { throw Refusal("cpus must be between 1 and 100000.") }
            request.cpus = Int(cpus)
        }
        if let gpus = context.options["gpus"]?.integer {
            guard (0...1024).contains(gpus) else { throw Refusal("gpus must be between 0 and 1024.") }
            request.gpus = Int(gpus)
        }
        if let nodes = context.options["nodes"]?.integer {
            guard (1...10_000).contains(nodes) else { throw Refusal("nodes must be between 1 and 10000.") }
            guard nodes <= request.cpus else { throw Refusal("A job needs at least one CPU per node: give cpus too.") }
            request.nodes = Int(nodes)
        }
        if let memory = context.string("mem") {
            guard memory.count <= 16, let megabytes = MemorySize.megabytes(memory), megabytes > 0 else {
                throw Refusal("mem is a size such as 64G, 512M or 1T.")
            }
            request.memoryMB = megabytes
        }
        if let time = context.string("time") {
            guard time.count <= 16, let seconds = SlurmDuration(parsing: time).seconds, seconds > 0 else {
                throw Refusal("time is a Slurm time such as 30, 4:00:00 or 2-00:00:00.")
            }
            request.seconds = seconds
        }
        return request
    }

    /// "16 CPUs, 8 GB, 1 GPU, 2 days"; "999 CPUs on 8 nodes, 64 GB each".
    static func describe(_ request: ResourceFit.Request) -> String {
        var parts = [counted(request.cpus, "CPU") + (request.nodes > 1 ? " on \(request.nodes) nodes" : "")]
        let each = request.nodes > 1 ? " each" : ""
        if request.memoryMB > 0 { parts.append(InspectCommand.gigabytes(request.memoryMB) + each) }
        if request.gpus > 0 { parts.append(counted(request.gpus, "GPU") + each) }
        if let seconds = request.seconds { parts.append(DurationWords.text(seconds)) }
        return parts.joined(separator: ", ")
    }

    static func embed(
        _ answer: ResourceFit.Answer, request: ResourceFit.Request, partition: String?, scope: ClusterScope
    ) -> Embed {
        let place = partition.map { "partition \($0)" } ?? "any partition"
        var lines: [String] = []
        var fields: [Embed.Field] = []
        var sbatchPartition: String?
        if answer.startsNow {
            let best = answer.now[0]
            sbatchPartition = partition ?? best.partitions.first
            lines.append(
                request.nodes > 1
                    ? "**Yes, now:** \(answer.nowCount) nodes could each take their share; it needs \(request.nodes)."
                    : "**Yes, now:** \(counted(answer.nowCount, "node")) could start it. Best fit: `\(best.node)`.")
            let list = answer.now.map { free in
                "`\(free.node)` \(free.partitions.joined(separator: ",")) · \(Self.resources(free.resources)) free"
            }
            fields.append(.init(name: "Best fits first", value: QueueCommand.fit(list, total: answer.nowCount)))
        } else if answer.neverFits {
            lines.append(
                Self.tooBig(answer, request: request, place: place).map { "**Never, as asked:** " + $0 }
                    ?? "**Never, as asked.**")
            if let other = answer.elsewhere.first {
                sbatchPartition = other
                lines.append(
                    "It fits in \(answer.elsewhere.count == 1 ? "partition" : "partitions") "
                        + answer.elsewhere.prefix(5).joined(separator: ", ") + ".")
            }
        } else if answer.onDemand > 0, answer.onDemand + answer.nowCount >= request.nodes {
            lines.append(
                "**Yes, once powered up:** \(counted(answer.onDemand, "powered-down node")) could take it; Slurm "
                    + "powers them up when the job is submitted, so it starts after their boot (the cluster's "
                    + "ResumeTimeout at most).")
            sbatchPartition = partition ?? answer.onDemandPartitions.first
        } else {
            lines.append("**Not now.**")
            if let later = answer.later {
                let when =
                    request.nodes > 1
                    ? "Enough nodes should be free \(scope.relative(later.at)) (\(request.nodes), the last `\(later.node)`)"
                    : "The first fit should be `\(later.node)` \(scope.relative(later.at))"
                lines.append(
                    when + ", when running jobs reach their time limits (at the latest); jobs already waiting may take "
                        + "them first.")
            }
            sbatchPartition = partition ?? answer.later?.partitions.first
            let total = answer.totalFree
            let wanted = request.perNode
            let all = ResourceFit.Request(
                cpus: wanted.cpus * request.nodes, memoryMB: wanted.memoryMB * request.nodes,
                gpus: wanted.gpus * request.nodes)
            if total.covers(.init(cpus: all.cpus, memoryMB: all.memoryMB, gpus: all.gpus)) {
                lines.append(
                    "Free resources are scattered: \(Self.resources(total)) are free in all, but not enough on any "
                        + (request.nodes > 1 ? "\(request.nodes) nodes." : "one node."))
            } else {
                lines.append("Short now: " + Self.shortNow(total, all) + ".")
            }
        }
        if !answer.tooLongFor.isEmpty {
            let names = answer.tooLongFor
            lines.append(
                "Longer than \(names.count == 1 ? "partition" : "partitions") \(names.joined(separator: ", ")) "
                    + "allow\(names.count == 1 ? "s" : ""): it would never start there.")
        }
        if let sbatchPartition {
            lines.append("```\n" + Self.sbatch(request, partition: sbatchPartition) + "\n```")
        }
        return Embed(
            title: "Can \(describe(request)) run in \(place)?", description: lines.joined(separator: "\n"),
            fields: fields)
    }

    /// "16 CPUs, 120 GB, 2 GPUs"
    static func resources(_ resources: Capacity.Resources) -> String {
        "\(counted(resources.cpus, "CPU")), \(InspectCommand.gigabytes(resources.memoryMB))"
            + (resources.gpus > 0 ? ", " + counted(resources.gpus, "GPU") : "")
    }

    /// Which resources no node has enough of, even empty, against the largest node; nil when the only obstacle is
    /// the time limit (which `tooLongFor` says).
    static func tooBig(_ answer: ResourceFit.Answer, request: ResourceFit.Request, place: String) -> String? {
        let largest = answer.largestNode
        let wanted = request.perNode
        guard largest != .init() else {
            guard answer.tooLongFor.isEmpty else { return nil }
            return "no node in \(place) takes work now (all are down, drained or reserved)."
        }
        var short: [String] = []
        if wanted.cpus > largest.cpus {
            short.append(
                "\(counted(wanted.cpus, "CPU"))\(request.nodes > 1 ? " per node" : "") (the largest has \(largest.cpus))"
            )
        }
        if wanted.memoryMB > largest.memoryMB {
            short.append(
                "\(InspectCommand.gigabytes(wanted.memoryMB)) memory (the largest has "
                    + "\(InspectCommand.gigabytes(largest.memoryMB)))")
        }
        if wanted.gpus > largest.gpus {
            short.append("\(counted(wanted.gpus, "GPU")) (the most on one node is \(largest.gpus))")
        }
        guard !short.isEmpty else {
            // Every resource fits some node, but not all on the same one, or too few nodes are that big.
            return request.nodes > 1 && answer.candidates > 0
                ? "only \(counted(answer.candidates, "node")) in \(place) \(answer.candidates == 1 ? "is" : "are") that big; it asks for \(request.nodes)."
                : "no single node in \(place) has all of it, even when empty."
        }
        var text = "no node in \(place) is that big, even when empty: " + short.joined(separator: ", ") + "."
        if wanted.cpus > largest.cpus, wanted.memoryMB <= largest.memoryMB, wanted.gpus <= largest.gpus,
            largest.cpus > 0
        {
            let nodes = (request.cpus + largest.cpus - 1) / largest.cpus
            text += " Spread over nodes (an MPI job), it needs at least \(nodes): add `nodes:\(nodes)`."
        }
        return text
    }

    /// What the free total lacks: "memory (90 GB free of 500 GB asked)".
    static func shortNow(_ total: Capacity.Resources, _ all: ResourceFit.Request) -> String {
        var short: [String] = []
        if total.cpus < all.cpus { short.append("CPUs (\(total.cpus) free of \(all.cpus) asked)") }
        if total.memoryMB < all.memoryMB {
            short.append(
                "memory (\(InspectCommand.gigabytes(total.memoryMB)) free of \(InspectCommand.gigabytes(all.memoryMB)) asked)"
            )
        }
        if total.gpus < all.gpus { short.append("GPUs (\(total.gpus) free of \(all.gpus) asked)") }
        return short.joined(separator: ", ")
    }

    /// A ready `sbatch` line for the request in `partition`: `-c` for one node, `-N`/`-n` for several.
    static func sbatch(_ request: ResourceFit.Request, partition: String) -> String {
        var parts = ["sbatch", "-p", partition]
        if request.nodes > 1 {
            parts += ["-N", "\(request.nodes)", "-n", "\(request.cpus)"]
        } else if request.cpus > 1 {
            parts += ["-c", "\(request.cpus)"]
        }
        if request.memoryMB > 0 {
            let mb = request.memoryMB
            parts.append("--mem=" + (mb % 1024 == 0 ? "\(mb / 1024)G" : "\(mb)M"))
        }
        if request.gpus > 0 { parts.append("--gres=gpu:\(request.gpus)") }
        if let seconds = request.seconds { parts += ["-t", SlurmDuration.format(seconds)] }
        return (parts + ["job.sh"]).joined(separator: " ")
    }
}
