import ClusterFacts
import DiscordModels
import Foundation
import SlurmKit
import Store
import WallTime

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
        let now = context.now
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
                lines.append(Self.notPending(record, scope: scope))
            } else {
                let facts = try scope.facts(connection, checking: nil)
                let listed = job.partition.split(separator: ",").map(String.init)
                let fit = ResourceFit.answer(Self.fitRequest(job), facts: facts, inAny: listed)
                let ahead = try Self.ahead(job, facts: facts, connection, scope)
                lines.append(Self.headline(job, fit: fit, ahead: ahead))
                if job.isPendingArrayRemainder {
                    lines.append(
                        "This line stands for \(counted(job.taskCount, "array task")) not yet started"
                            + (job.arrayThrottle.map { ", at most \($0) of the array running at once (`%\($0)`)" } ?? "")
                            + ".")
                }
                if fit.neverFits {
                    lines.append(
                        CanRunCommand.tooBig(fit, request: Self.fitRequest(job), place: "partition \(job.partition)")
                            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
                            ?? "Its time limit is longer than the partition allows; it will never start as it is.")
                    if !fit.elsewhere.isEmpty {
                        lines.append(
                            "It could run in \(fit.elsewhere.count == 1 ? "partition" : "partitions") "
                                + fit.elsewhere.prefix(5).joined(separator: ", ")
                                + ": `scontrol update job=\(job.displayID) partition=\(fit.elsewhere[0])`, or cancel "
                                + "it and ask for less.")
                    } else {
                        lines.append("Cancel it (`scancel \(job.displayID)`) and ask for what a node has.")
                    }
                } else if let hint = Self.hint(job) {
                    lines.append(hint)
                }
                fields.append(.init(name: "Asks for", value: Self.request(job)))
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
                            + (fit.neverFits ? "" : Self.fit(job, on: usable))))
                fields.append(.init(name: "Ahead of it", value: ahead.text))
                if let start = job.startTime, start > snapshot, !fit.neverFits {
                    fields.append(.init(name: "Slurm's estimate", value: "start \(scope.moment(start))"))
                }
                let since = max(
                    snapshot - 7 * 86_400, try connection.firstSnapshotAt(cluster: scope.cluster) ?? snapshot)
                if !fit.neverFits,
                    let waited = try Self.typicalWait(
                        connection, cluster: scope.cluster, like: job, since: since, until: snapshot)
                {
                    fields.append(.init(name: "Similar jobs lately", value: waited))
                }
                if let submitted = job.submitTime {
                    lines.append(
                        "Submitted \(scope.moment(submitted)); waiting \(scope.elapsed(since: submitted)) so far.")
                }
            }
            var embed = Embed(
                title: "Job \(job.displayID): \(QueueCommand.short(job.name, 60)) (\(job.user), \(job.partition))",
                description: lines.joined(separator: "\n"), fields: fields)
            scope.sign(&embed, now: now)
            return Reply(message: MessagePayload(embeds: [embed]))
        }
    }

    /// The job's request as `/canrun` takes it: CPUs in all over its nodes, memory and GPUs per node (GPUs asked
    /// per job spread over its nodes).
    static func fitRequest(_ job: Job) -> ResourceFit.Request {
        let nodes = max(1, job.nodeCount)
        let perNodeCPUs = (job.cpus + nodes - 1) / nodes
        let memory = (job.memoryMB ?? 0) * (job.memoryPerCPU ? perNodeCPUs : 1)
        return ResourceFit.Request(
            cpus: max(1, job.cpus), memoryMB: memory, gpus: (job.gpus + nodes - 1) / nodes,
            seconds: job.timeLimit.seconds,
            nodes: nodes)
    }

    /// The first line: why it waits, in words that agree with the evidence below it.
    static func headline(_ job: Job, fit: ResourceFit.Answer, ahead: Ahead) -> String {
        if fit.neverFits { return "**It can never start as asked.**" }
        if job.reason.code == "Priority", ahead.total == 0 {
            return "**Waiting: it is next in line.** Slurm put higher-priority jobs first at its last pass; none of "
                + "them is waiting now, so it starts when resources free up."
        }
        return "**Waiting: \(job.reason.plainWords).**"
    }
    static func request(_ job: Job) -> String {
        var parts = ["\(counted(job.cpus, "CPU")) on \(counted(job.nodeCount, "node"))"]
        if let memory = job.memoryMB {
            parts.append(InspectCommand.gigabytes(memory) + (job.memoryPerCPU ? " per CPU" : " memory"))
        }
        if job.gpus > 0 { parts.append(counted(job.gpus, "GPU")) }
        if let limit = job.timeLimit.seconds { parts.append("\(DurationWords.text(limit)) limit") }
        return parts.joined(separator: ", ")
    }

    /// Whether any one node has all a one-node job asks for free at once: the evidence for "Resources", counted
    /// as `/canrun` counts.
    static func fit(_ job: Job, on usable: [Capacity.Node]) -> String {
        guard job.nodeCount == 1 else { return "" }
        let fitting = ResourceFit.fittingNow(fitRequest(job), nodes: usable)
        return fitting == 0
            ? "; no node has all it asks for free at once"
            : "; \(counted(fitting, "node")) could take it now (jobs ahead of it may be holding them)"
    }

    /// The waiting jobs Slurm considers before this one, counted, and said in words.
    struct Ahead {
        var total: Int
        var text: String
    }

    /// The waiting jobs Slurm considers first: in the job's partitions, and, when none are there, in the
    /// partitions sharing its nodes (their jobs compete for the same nodes, which is what "Priority" can mean).
    static func ahead(_ job: Job, facts: ClusterFacts, _ connection: Connection, _ scope: ClusterScope) throws
        -> Ahead
    {
        guard job.priority != nil else {
            return Ahead(total: -1, text: "Slurm printed no priority for it, so the order is not known")
        }
        let own = job.partition.split(separator: ",").map(String.init)
        let counts = try connection.waitingAhead(cluster: scope.cluster, of: job, in: own)
        let inOwn = counts.values.reduce(0, +)
        guard inOwn == 0 else {
            return Ahead(
                total: inOwn,
                text: "\(counted(inOwn, "waiting job")) in \(job.partition) with higher priority, or the same and "
                    + "submitted earlier")
        }
        let sharing = Set(
            facts.capacity.nodes.filter { $0.partitions.contains(where: own.contains) }.flatMap(\.partitions)
        ).subtracting(own).sorted()
        let elsewhere = try connection.waitingAhead(cluster: scope.cluster, of: job, in: sharing).filter {
            $0.value > 0
        }
        guard !elsewhere.isEmpty else { return Ahead(total: 0, text: "none: no waiting job has higher priority") }
        let list = elsewhere.sorted { $0.key < $1.key }.map { "\($0.value) in \($0.key)" }.joined(separator: ", ")
        return Ahead(
            total: elsewhere.values.reduce(0, +),
            text: "none in \(job.partition); in partitions sharing its nodes: \(list)")
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

    static func notPending(_ record: JobRecord, scope: ClusterScope) -> String {
        let job = record.job
        if let final = record.finalState ?? (job.state == .pending || job.state == .running ? nil : job.state) {
            var text = "It is not waiting: it ended **\(final.rawValue)**"
            if let code = record.exitCode { text += " with exit code \(code)" }
            if let ended = record.endedAt ?? job.endTime { text += " \(scope.moment(ended))" }
            return text + "."
        }
        if let gone = record.goneAt {
            return "It left the queue \(scope.moment(gone)); its final state is not known yet."
        }
        var text = "It is not waiting: it is **\(job.state.rawValue.lowercased())**"
        if let start = job.startTime { text += " since \(scope.moment(start))" }
        if let list = job.nodeList { text += " on `\(QueueCommand.short(list, 100))`" }
        return text + "."
    }

    /// The median wait of jobs of similar size that started in the same partition between `since` and `until`,
    /// with the span it covers: the history may reach back less than a week.
    static func typicalWait(
        _ connection: Connection, cluster: String, like job: Job, since: Int64, until: Int64
    ) throws -> String? {
        let started = try connection.jobs(
            cluster: cluster, filter: JobFilter(partition: job.partition, listedOnly: false, limit: 50_000)
        ).map(\.job).filter { other in
            guard let start = other.startTime, let submit = other.submitTime, start >= since, start >= submit else {
                return false
            }
            return other.cpus * 2 >= job.cpus && other.cpus <= job.cpus * 2 && (other.gpus > 0) == (job.gpus > 0)
        }
        guard started.count >= 3 else { return nil }
        let waits = started.map { $0.startTime! - $0.submitTime! }.sorted()
        return
            "\(started.count) jobs of similar size started here in the last \(DurationWords.text(until - since)); "
            + "half waited under \(DurationWords.text(waits[waits.count / 2]))"
    }
}
