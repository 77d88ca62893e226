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

extension Capacity {
    /// What is free now on the nodes of `partition` (every node for nil).
    public func free(in partition: String?) -> FreeCapacity {
        let wanted = partition.map { setsNaming([$0]) }
        var result = FreeCapacity()
        var scattered = 0
        for node in nodes where node.acceptsNewJobs && (wanted?[node.partitionSet] ?? true) {
            result.nodesAccepting += 1
            let idle = node.free == node.size
            if idle { result.nodesIdle += 1 } else { scattered += node.free.cpus }
            result.free = result.free + node.free
            result.largestBlock = Resources(
                cpus: max(result.largestBlock.cpus, node.free.cpus),
                memoryMB: max(result.largestBlock.memoryMB, node.free.memoryMB),
                gpus: max(result.largestBlock.gpus, node.free.gpus))
        }
        result.scatteredCPUShare = result.free.cpus > 0 ? Double(scattered) / Double(result.free.cpus) : 0
        return result
    }
}
