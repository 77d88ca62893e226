/// Per-partition totals for one snapshot: what `/status` shows and `partition_samples` stores each poll.
public struct PartitionUsage: Sendable, Hashable {
    /// The name of the cluster-wide row, counting each node once however many partitions it is in.
    public static let allPartitions = "*"

    public var partition: String
    public var nodesTotal = 0
    public var nodesByCategory: [NodeCategory: Int] = [:]
    public var cpusAllocated = 0
    public var cpusTotal = 0
    public var memoryAllocatedMB = 0
    public var memoryTotalMB = 0
    public var gpusUsed = 0
    public var gpusTotal = 0
    public var jobsRunning = 0
    public var jobsPending = 0

    public init(partition: String) {
        self.partition = partition
    }

    public func nodes(_ category: NodeCategory) -> Int {
        nodesByCategory[category] ?? 0
    }

    /// Totals for every partition in the snapshot plus the cluster-wide row, in the snapshot's partition order.
    public static func compute(_ snapshot: ClusterSnapshot) -> [PartitionUsage] {
        var usage: [String: PartitionUsage] = [:]
        var order = snapshot.partitions.map(\.name)
        for name in order { usage[name] = PartitionUsage(partition: name) }
        var all = PartitionUsage(partition: allPartitions)
        for node in snapshot.nodes {
            all.add(node)
            for name in node.partitions {
                if usage[name] == nil {
                    usage[name] = PartitionUsage(partition: name)
                    order.append(name)
                }
                usage[name]!.add(node)
            }
        }
        for job in snapshot.jobs {
            let running = job.state.holdsResources
            let pending = job.state.isPending
            guard running || pending else { continue }
            // A job submitted to several partitions (`-p a,b`) counts in the first until it starts.
            let name = job.partition.split(separator: ",").first.map(String.init) ?? job.partition
            if running {
                all.jobsRunning += 1
                usage[name]?.jobsRunning += 1
            } else {
                all.jobsPending += 1
                usage[name]?.jobsPending += 1
            }
        }
        return order.compactMap { usage[$0] } + [all]
    }

    mutating func add(_ node: Node) {
        nodesTotal += 1
        nodesByCategory[node.state.category, default: 0] += 1
        cpusAllocated += node.cpusAllocated
        cpusTotal += node.cpusEffective
        memoryAllocatedMB += node.memoryAllocatedMB
        memoryTotalMB += node.memoryMB
        gpusUsed += node.gpusUsed
        gpusTotal += node.gpusTotal
    }
}
