import ClusterFacts
import Reports
import SlurmKit

/// The analyst that needs no key and sends nothing anywhere: rules over the facts, in plain sentences. It is the
/// default, and the stand-in whenever a model fails, hangs or states what the data does not say.
public struct BuiltInAnalyst: Analyst {
    public let author = "built-in"

    public init() {}

    public func summarize(_ request: SummaryRequest) async -> AnalystAnswer {
        AnalystAnswer(text: Self.summary(request), author: author)
    }

    public func ask(_ question: String, about request: SummaryRequest, toolbox: any Toolbox) async -> AnalystAnswer {
        switch QuestionRouter.route(question, facts: request.facts) {
        case .tool(let call):
            let result = await toolbox.call(call)
            return AnalystAnswer(text: result.text, author: author, toolCalls: [call.name])
        case .declineWrite:
            return AnalystAnswer(text: Self.readOnly, author: author)
        case .offTopic:
            return AnalystAnswer(text: Self.offTopic, author: author)
        case .unrecognised:
            return AnalystAnswer(text: Self.unrecognised, author: author)
        }
    }

    static let readOnly =
        "I only read the cluster: I cannot cancel, hold, drain, reboot or change anything. Ask an admin, or use "
        + "Slurm's own commands (`scancel`, `scontrol`) where you have the rights."
    static let offTopic =
        "I answer questions about this cluster only: free resources, where a job fits, why a job waits, who uses a "
        + "partition, how busy it was."
    static let unrecognised =
        "I could not tell what you want to know. I can answer, for example: \"is there a free GPU?\", \"where can I run "
        + "64 CPUs with 256G for 4 hours?\", \"why is job 12345 waiting?\", \"who uses partition gpu?\", \"how busy was "
        + "it yesterday?\""

    /// The summary: `/status`'s paragraph, what is full and why, and what changed since the last summary.
    public static func summary(_ request: SummaryRequest) -> String {
        let facts = request.facts
        let byScope = facts.capacity.freeByScope()
        var lines = [StatusSummary.paragraph(facts, partition: request.partition, free: byScope)]
        if request.partition == nil {
            for partition in facts.partitions where partition.isUp {
                let light = facts.light(partition.name, free: byScope[partition.name])
                let waiting = facts.jobs(partition.name).waiting
                if light == .full && waiting > 0 {
                    lines.append("⚠️ \(partition.name) is full: \(waiting) \(waiting == 1 ? "job waits" : "jobs wait").")
                }
            }
            for partition in facts.partitions where !partition.isUp {
                lines.append("⚫ \(partition.name) does not start jobs (its state is not UP).")
            }
        }
        if let previous = request.previous, let change = change(from: previous, to: facts, free: byScope) {
            lines.append(change)
        }
        return lines.joined(separator: "\n")
    }

    /// "Since the last summary: 96 more CPUs and 4 more GPUs free; c07 out of service." or nil when nothing moved.
    static func change(from previous: SummaryBasis, to facts: ClusterFacts, free byScope: [String: FreeCapacity])
        -> String?
    {
        let now = (byScope[PartitionUsage.allPartitions] ?? FreeCapacity()).free
        var parts: [String] = []
        let cpus = now.cpus - previous.freeCPUs
        let gpus = now.gpus - previous.freeGPUs
        var freed: [String] = []
        if cpus != 0 { freed.append("\(abs(cpus)) \(cpus > 0 ? "more" : "fewer") CPUs") }
        if gpus != 0 { freed.append("\(abs(gpus)) \(gpus > 0 ? "more" : "fewer") GPUs") }
        if !freed.isEmpty { parts.append(freed.joined(separator: " and ") + " free") }
        let wasOut = Set(previous.outOfService)
        let isOut = Set(facts.outOfService.map(\.name))
        let newlyOut = facts.outOfService.map(\.name).filter { !wasOut.contains($0) }
        let back = previous.outOfService.filter { !isOut.contains($0) }
        if !newlyOut.isEmpty { parts.append(list(newlyOut) + " out of service") }
        if !back.isEmpty { parts.append(list(back) + " back in service") }
        guard !parts.isEmpty else { return nil }
        return "Since the last summary: " + parts.joined(separator: "; ") + "."
    }

    static func list(_ names: [String]) -> String {
        names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
    }
}
