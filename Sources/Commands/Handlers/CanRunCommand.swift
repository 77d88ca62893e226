import ClusterFacts
import DiscordModels
import Foundation
import SlurmKit
import Store

/// `/canrun [cpus] [mem] [gpus] [partition] [time] [cluster]`: which nodes could start such a job now, or when the
/// first should, and whether free resources are merely scattered.
struct CanRunCommand: SlashCommand {
    let ephemeral = false
    var definition: CommandDefinition { CommandCatalog.definition("canrun") }

    func run(_ context: CommandContext) async -> Reply {
        var request = ResourceFit.Request()
        let partition: String?
        do {
            partition = try context.name("partition")
            request = try Self.request(context)
        } catch {
            return .problem(error.message)
        }
        let (now, timeZone) = (context.now, context.timeZone)
        let finalRequest = request
        return await context.withCluster { connection, scope in
            let facts = try scope.facts(connection, checking: partition)
            let answer = ResourceFit.answer(finalRequest, facts: facts, in: partition)
            var embed = Self.embed(
                answer, request: finalRequest, partition: partition, snapshot: facts.snapshotAt, timeZone: timeZone)
            embed.color = Embed.color(stale: scope.isStale(now: now))
            embed.footer = .init(text: scope.footer(now: now, timeZone: timeZone))
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

    static func describe(_ request: ResourceFit.Request) -> String {
        var parts = [counted(request.cpus, "CPU")]
        if request.memoryMB > 0 { parts.append(InspectCommand.gigabytes(request.memoryMB) + " memory") }
        if request.gpus > 0 { parts.append(counted(request.gpus, "GPU")) }
        if let seconds = request.seconds { parts.append("for \(SlurmDuration.format(seconds))") }
        return parts.joined(separator: ", ")
    }

    static func embed(
        _ answer: ResourceFit.Answer, request: ResourceFit.Request, partition: String?, snapshot: Int64,
        timeZone: TimeZone
    )
        -> Embed
    {
        let scope = partition.map { "partition \($0)" } ?? "any partition"
        var lines: [String] = []
        var fields: [Embed.Field] = []
        if answer.nowCount > 0 {
            lines.append("**\(counted(answer.nowCount, "node"))** could start it now.")
            let list = answer.now.map { free in
                "`\(free.node)` \(counted(free.resources.cpus, "CPU")), \(InspectCommand.gigabytes(free.resources.memoryMB))"
                    + (free.resources.gpus > 0 ? ", " + counted(free.resources.gpus, "GPU") : "") + " free"
            }
            fields.append(.init(name: "Free now", value: QueueCommand.fit(list, total: answer.nowCount)))
        } else {
            lines.append("**No node** can start it now.")
            if let later = answer.later {
                lines.append(
                    "The first fit should be `\(later.node)` around \(ClusterScope.clock(later.at, timeZone)) "
                        + "(in \(SlurmDuration.format(Int(max(0, later.at - snapshot))))), when running jobs there reach their time limits; "
                        + "jobs already waiting may take it first.")
            } else if answer.candidates == 0 {
                lines.append("No usable node in \(scope) is that big, even when empty.")
            }
            let total = answer.totalFree
            if total.cpus >= request.cpus && total.memoryMB >= request.memoryMB && total.gpus >= request.gpus {
                var scattered: [String] = []
                if request.gpus > 0 { scattered.append(counted(total.gpus, "GPU")) }
                scattered.append(counted(total.cpus, "CPU"))
                lines.append(
                    "Free resources are scattered: \(scattered.joined(separator: " and ")) are free in all, but no single node has what the job asks for."
                )
            }
        }
        if !answer.tooLongFor.isEmpty {
            let names = answer.tooLongFor
            lines.append(
                "Longer than \(names.count == 1 ? "partition" : "partitions") \(names.joined(separator: ", ")) "
                    + "allow\(names.count == 1 ? "s" : ""): it would never start there.")
        }
        return Embed(
            title: "Can a job of \(describe(request)) run in \(scope)?", description: lines.joined(separator: "\n"),
            fields: fields)
    }
}
