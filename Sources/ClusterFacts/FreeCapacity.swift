import SlurmKit

/// What is free right now in a scope, from the stored `Capacity`: in all, in the largest block one node offers, and
/// how scattered it is. The words the analyst and the MCP tools use for "is there room", so they agree with
/// `/canrun`, which answers from the same nodes.
public struct FreeCapacity: Sendable, Hashable, Codable {
    /// Nodes that accept new jobs now (idle or partly busy, not drained, reserved or down).
    public var nodesAccepting = 0
    /// Of them, those with nothing running.
    public var nodesIdle = 0
    /// Free and usable now: summed over the nodes that accept new jobs.
    public var free = Capacity.Resources()
    /// The most one node has free of each resource (the largest single-node job that could start, per resource).
    public var largestBlock = Capacity.Resources()
    /// The share of the free CPUs that sit on partly busy nodes (0 when every free CPU is on an idle node): high
    /// means many small gaps, so big jobs wait although the total looks ample.
    public var scatteredCPUShare = 0.0

    public init() {}
}

extension FreeCapacity {
    /// Sums as they are gathered: the free CPUs on partly busy nodes, for the scattered share at the end.
    fileprivate struct Tally {
        var capacity = FreeCapacity()
        var scatteredCPUs = 0

        mutating func add(_ node: Capacity.Node) {
            capacity.nodesAccepting += 1
            if node.free == node.size { capacity.nodesIdle += 1 } else { scatteredCPUs += node.free.cpus }
            capacity.free = capacity.free + node.free
            capacity.largestBlock = Capacity.Resources(
                cpus: max(capacity.largestBlock.cpus, node.free.cpus),
                memoryMB: max(capacity.largestBlock.memoryMB, node.free.memoryMB),
                gpus: max(capacity.largestBlock.gpus, node.free.gpus))
        }

        mutating func add(_ other: Tally) {
            capacity.nodesAccepting += other.capacity.nodesAccepting
            capacity.nodesIdle += other.capacity.nodesIdle
            capacity.free = capacity.free + other.capacity.free
            let (a, b) = (capacity.largestBlock, other.capacity.largestBlock)
            capacity.largestBlock = Capacity.Resources(
                cpus: max(a.cpus, b.cpus), memoryMB: max(a.memoryMB, b.memoryMB), gpus: max(a.gpus, b.gpus))
            scatteredCPUs += other.scatteredCPUs
        }

        var result: FreeCapacity {
            var result = capacity
            result.scatteredCPUShare = result.free.cpus > 0 ? Double(scatteredCPUs) / Double(result.free.cpus) : 0
            return result
        }
    }
}

extension Capacity {
    /// What is free now on the nodes of `partition` (every node for nil).
    public func free(in partition: String?) -> FreeCapacity {
        let wanted = partition.map { setsNaming([$0]) }
        var tally = FreeCapacity.Tally()
        for node in nodes where node.acceptsNewJobs && (wanted?[node.partitionSet] ?? true) { tally.add(node) }
        return tally.result
    }

    /// `free(in:)` for every partition and the whole cluster (`PartitionUsage.allPartitions`) in one pass over the
    /// nodes: `/status` shows every partition's, and 10,000 nodes once beat 10,000 nodes per partition.
    public func freeByScope() -> [String: FreeCapacity] {
        var bySet = [FreeCapacity.Tally](repeating: .init(), count: partitionSets.count)
        var all = FreeCapacity.Tally()
        for node in nodes where node.acceptsNewJobs {
            bySet[node.partitionSet].add(node)
            all.add(node)
        }
        var byPartition: [String: FreeCapacity.Tally] = [:]
        for (set, partitions) in partitionSets.enumerated() {
            for partition in Set(partitions) { byPartition[partition, default: .init()].add(bySet[set]) }
        }
        var result = byPartition.mapValues(\.result)
        result[PartitionUsage.allPartitions] = all.result
        return result
    }
}

extension Capacity {
    /// The powered-down nodes of `partition` (every node for nil) that Slurm would power up for a job, and what
    /// they hold: capacity that is there on demand, not free this minute.
    public func readyOnDemand(in partition: String?) -> (nodes: Int, size: Resources) {
        let wanted = partition.map { setsNaming([$0]) }
        var count = 0
        var size = Resources()
        for node in nodes where node.readyOnDemand && (wanted?[node.partitionSet] ?? true) {
            count += 1
            size = size + node.size
        }
        return (count, size)
    }
}
