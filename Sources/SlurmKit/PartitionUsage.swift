/// Per-partition totals for one snapshot: what `/status` shows and `partition_samples` stores each poll.
public struct PartitionUsage: Sendable, Hashable, Codable {
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
        var rows = snapshot.partitions.map { PartitionUsage(partition: $0.name) }
        var index: [String: Int] = [:]
        for (position, row) in rows.enumerated() where index[row.partition] == nil { index[row.partition] = position }
        var all = PartitionUsage(partition: allPartitions)
        // Through buffers: a for-in would copy each node and job, retaining all their strings.
        snapshot.nodes.withUnsafeBufferPointer { nodes in
            for position in nodes.indices {
                all.add(nodes[position])
                for name in nodes[position].partitions {
                    if index[name] == nil {
                        index[name] = rows.count
                        rows.append(PartitionUsage(partition: name))
                    }
                    rows[index[name]!].add(nodes[position])
                }
            }
        }
        snapshot.jobs.withUnsafeBufferPointer { jobs in
            for job in jobs.indices {
                let running = jobs[job].state.holdsResources
                guard running || jobs[job].state.isPending else { continue }
                let position = index[Job.homePartition(of: jobs[job].partition)]
                if running {
                    all.jobsRunning += 1
                    if let position { rows[position].jobsRunning += 1 }
                } else {
                    // A pending array remainder counts its tasks.
                    let tasks = jobs[job].arrayTask == nil ? 1 : jobs[job].taskCount
                    all.jobsPending += tasks
                    if let position { rows[position].jobsPending += tasks }
                }
            }
        }
        return rows + [all]
    }

    mutating func add(_ node: Node) {
        nodesTotal += 1
        let category = node.state.category
        nodesByCategory[category, default: 0] += 1
        cpusAllocated += node.cpusAllocated
        cpusTotal += node.cpusEffective
        memoryAllocatedMB += node.memoryAllocatedMB
        memoryTotalMB += node.memoryMB
        gpusUsed += node.gpusUsed
        gpusTotal += node.gpusTotal
    }
}
