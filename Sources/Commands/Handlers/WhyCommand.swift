import ClusterFacts
import DiscordModels
import Foundation
import SlurmKit
import Store

/// `/why job [cluster]`: why a job is (still) pending, in plain words, with the evidence: what it asks for, what is
/// free in its partition, how many jobs are ahead, Slurm's own start estimate, and how long similar jobs waited.
struct WhyCommand: SlashCommand {
    let ephemeral = false
    var definition: CommandDefinition { CommandCatalog.definition("why") }

    /// `12345` or `12345_7`: nothing else goes near the store.
    static func isJobID(_ text: String) -> Bool {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && text.count <= 24
            && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    func run(_ context: CommandContext) async -> Reply {
        guard let id = context.string("job"), Self.isJobID(id) else {
            return .problem("Give a job id such as 12345, or 12345_7 for an array task.")
        }
        let (now, timeZone) = (context.now, context.timeZone)
        return await context.withCluster { connection, scope in
            guard let record = try connection.job(cluster: scope.cluster, id: id) else {
                throw Refusal(
                    "Job \(id) is not in the data of cluster \(scope.cluster) (ended long ago, or never seen).")
            }
            let job = record.job
            let snapshot = scope.snapshotAt ?? now
            var lines: [String] = []
            var fields: [Embed.Field] = []
            if record.goneAt != nil || job.state != .pending {
                lines.append(Self.notPending(record, snapshot: snapshot, timeZone: timeZone))
            } else {
                lines.append("**Waiting: \(job.reason.plainWords).**")
                if let hint = Self.hint(job) { lines.append(hint) }
                fields.append(.init(name: "Asks for", value: Self.request(job), inline: true))
                let facts = try scope.facts(connection, checking: nil)
                let listed = job.partition.split(separator: ",").map(String.init)
                let inListed = facts.capacity.setsNaming(Set(listed))
                let nodes = facts.capacity.nodes.filter { inListed[$0.partitionSet] }
                let usable = nodes.filter(\.acceptsNewJobs)
                let free = usable.reduce(Capacity.Resources()) { $0 + $1.free }
                let allNodes = listed.compactMap { facts.usage($0)?.nodesTotal }.max() ?? nodes.count
                fields.append(
                    .init(
                        name: "Free in \(job.partition)",
                        value: counted(free.cpus, "CPU")
                            + (free.gpus > 0 || job.gpus > 0 ? ", " + counted(free.gpus, "GPU") : "")
                            + " on \(usable.count) usable of \(counted(allNodes, "node"))"
                            + Self.fit(job, on: usable),
                        inline: true))
                fields.append(
                    .init(
                        name: "Ahead of it", value: try Self.ahead(job, facts: facts, connection, scope), inline: true))
                if let start = job.startTime, start > snapshot {
                    fields.append(
                        .init(
                            name: "Slurm's estimate",
                            value:
                                "start around \(ClusterScope.clock(start, timeZone)) (in \(SlurmDuration.format(Int(start - snapshot))))",
                            inline: true))
                }
                if let waited = try Self.typicalWait(
                    connection, cluster: scope.cluster, like: job, since: snapshot - 7 * 86_400)
                {
                    fields.append(.init(name: "Similar jobs lately", value: waited, inline: true))
                }
                if let submitted = job.submitTime {
                    lines.append(
                        "Submitted \(ClusterScope.clock(submitted, timeZone)), waiting \(SlurmDuration.format(Int(max(0, snapshot - submitted)))) so far."
                    )
                }
            }
            var embed = Embed(
                title: "Job \(job.displayID): \(QueueCommand.short(job.name, 60)) (\(job.user), \(job.partition))",
                description: lines.joined(separator: "\n"), fields: fields)
            embed.color = Embed.color(stale: scope.isStale(now: now))
            embed.footer = .init(text: scope.footer(now: now, timeZone: timeZone))
            return Reply(message: MessagePayload(embeds: [embed]))
        }
    }

    static func request(_ job: Job) -> String {
        var parts = ["\(counted(job.cpus, "CPU")) on \(counted(job.nodeCount, "node"))"]
        if let memory = job.memoryMB {
            parts.append(InspectCommand.gigabytes(memory) + (job.memoryPerCPU ? " per CPU" : " memory"))
        }
        if job.gpus > 0 { parts.append(counted(job.gpus, "GPU")) }
        if let limit = job.timeLimit.seconds { parts.append("\(SlurmDuration.format(limit)) limit") }
        return parts.joined(separator: ", ")
    }

    /// Whether any one node has all a one-node job asks for free at once: the evidence for "Resources", counted
    /// as `/canrun` counts.
    static func fit(_ job: Job, on usable: [Capacity.Node]) -> String {
        guard job.nodeCount == 1 else { return "" }
        let request = ResourceFit.Request(cpus: job.cpus, memoryMB: job.memoryMB ?? 0, gpus: job.gpus)
        let fitting = ResourceFit.fittingNow(request, nodes: usable)
        return fitting == 0
            ? "; no node has all it asks for free at once"
            : "; \(counted(fitting, "node")) could take it now (jobs ahead of it may be holding them)"
    }

    /// The waiting jobs Slurm considers first: in the job's partitions, and, when none are there, in the
    /// partitions sharing its nodes (their jobs compete for the same nodes, which is what "Priority" can mean).
    static func ahead(_ job: Job, facts: ClusterFacts, _ connection: Connection, _ scope: ClusterScope) throws
        -> String
    {
        guard job.priority != nil else { return "Slurm printed no priority for it, so the order is not known" }
        let own = job.partition.split(separator: ",").map(String.init)
        let counts = try connection.waitingAhead(cluster: scope.cluster, of: job, in: own)
        let inOwn = counts.values.reduce(0, +)
        var text =
            "\(inOwn) waiting \(inOwn == 1 ? "job" : "jobs") with higher priority, or the same and submitted earlier, in \(job.partition)"
        guard inOwn == 0 else { return text }
        let sharing = Set(
            facts.capacity.nodes.filter { $0.partitions.contains(where: own.contains) }.flatMap(\.partitions)
        ).subtracting(own).sorted()
        let elsewhere = try connection.waitingAhead(cluster: scope.cluster, of: job, in: sharing).filter {
            $0.value > 0
        }
        if !elsewhere.isEmpty {
            let list = elsewhere.sorted { $0.key < $1.key }.map { "\($0.value) in \($0.key)" }.joined(separator: ", ")
            text += "; in partitions sharing its nodes: \(list)"
        }
        return text
    }

    static func hint(_ job: Job) -> String? {
        switch job.reason.code {
        case "Dependency": job.dependency.map { "It waits for: `\(QueueCommand.short($0, 200))`." }
        case "JobHeldUser": "Its owner holds it: `scontrol release \(job.displayID)` lets it go."
        case "JobHeldAdmin": "An admin holds it; only an admin can release it."
        case "BeginTime": "It was submitted with a start time that has not come yet."
        case "PartitionTimeLimit": "Its time limit is longer than the partition allows; it will never start as it is."
        case "PartitionDown": "Its partition is down; it starts when an admin brings it back."
        case let code where code.hasPrefix("ReqNodeNotAvail"):
            "A node it asked for is not available (drained, down or reserved)."
        case let code where code.hasPrefix("QOS") || code.hasPrefix("Assoc"):
            "A limit of its QOS or account is reached; it starts when other jobs of the same account finish."
        default: nil
        }
    }

    static func notPending(_ record: JobRecord, snapshot: Int64, timeZone: TimeZone) -> String {
        let job = record.job
        if let final = record.finalState ?? (job.state == .pending || job.state == .running ? nil : job.state) {
            var text = "It is not waiting: it ended **\(final.rawValue)**"
            if let code = record.exitCode { text += " with exit code \(code)" }
            if let ended = record.endedAt ?? job.endTime { text += " at \(ClusterScope.clock(ended, timeZone))" }
            return text + "."
        }
        if record.goneAt != nil {
            return
                "It left the queue at \(ClusterScope.clock(record.goneAt!, timeZone)); its final state is not known yet."
        }
        var text = "It is not waiting: it is **\(job.state.rawValue.lowercased())**"
        if let start = job.startTime {
            text +=
                " since \(ClusterScope.clock(start, timeZone)) (\(SlurmDuration.format(Int(max(0, snapshot - start))))"
                + ")"
        }
        if let list = job.nodeList { text += " on `\(QueueCommand.short(list, 100))`" }
        return text + "."
    }

    /// The median wait of jobs of similar size that started in the same partition since `since`.
    static func typicalWait(_ connection: Connection, cluster: String, like job: Job, since: Int64) throws -> String? {
        let started = try connection.jobs(
            cluster: cluster, filter: JobFilter(partition: job.partition, listedOnly: false, limit: 50_000)
        ).map(\.job).filter { other in
            guard let start = other.startTime, let submit = other.submitTime, start >= since, start >= submit else {
                return false
            }
            return other.cpus * 2 >= job.cpus && other.cpus <= job.cpus * 2 && (other.gpus > 0) == (job.gpus > 0)
        }
        guard started.count >= 3 else { return nil }
        let waits = started.map { Int($0.startTime! - $0.submitTime!) }.sorted()
        return
            "\(started.count) jobs of similar size started here in 7 days; half waited under \(SlurmDuration.format(waits[waits.count / 2]))"
    }
}
