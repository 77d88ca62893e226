public import ClusterFacts
import Reports
import SlurmKit

/// What a summary described, kept beside it so the next one can say what changed and the poller can tell whether
/// anything worth a new summary moved: a few numbers and names, not the whole facts (those of a 10,000-node
/// snapshot are megabytes).
public struct SummaryBasis: Sendable, Hashable, Codable {
    public var snapshotAt: Int64
    public var freeCPUs: Int
    public var freeGPUs: Int
    public var waiting: Int
    public var outOfService: [String]
    /// Equal for two snapshots when nobody would notice the difference: per up partition its light, idle nodes,
    /// free GPUs and free CPUs to the nearest 5 % of its CPUs; and the nodes out of service.
    public var changeKey: String

    public init(_ facts: ClusterFacts) {
        let byScope = facts.capacity.freeByScope()
        let whole = byScope[PartitionUsage.allPartitions] ?? FreeCapacity()
        snapshotAt = facts.snapshotAt
        freeCPUs = whole.free.cpus
        freeGPUs = whole.free.gpus
        waiting = facts.jobs(nil).waiting
        outOfService = facts.outOfService.map(\.name)
        let partitions = facts.partitions.map { partition -> String in
            let free = byScope[partition.name] ?? FreeCapacity()
            let total = max(1, facts.usage(partition.name)?.cpusTotal ?? 1)
            let share = Int((Double(free.free.cpus) * 20 / Double(total)).rounded())
            return [
                partition.name, "\(facts.light(partition.name, free: free))", "\(free.nodesIdle)", "\(free.free.gpus)",
                "\(share)",
            ].joined(separator: ":")
        }
        changeKey = (partitions + ["out:" + outOfService.joined(separator: ",")]).joined(separator: "|")
    }
}
