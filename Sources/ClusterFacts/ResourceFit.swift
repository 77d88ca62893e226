/// Where a job of a given size could run, now or later, from one snapshot's facts. Pure, tested directly; what
/// `/canrun` and `/why` answer and what the analyst and the MCP tools will state.
///
/// Only nodes that could take work count: drained, down, reserved, planned and not-responding nodes do not. A
/// later fit assumes running jobs end at their time limits, which is the latest they can; pending jobs ahead may
/// still take a node first, and the answer says so.
public enum ResourceFit {
    public struct Request: Sendable, Hashable {
        /// CPUs in all, spread evenly over `nodes`.
        public var cpus = 1
        /// Memory per node.
        public var memoryMB = 0
        /// GPUs per node.
        public var gpus = 0
        public var seconds: Int?
        /// How many nodes the job spans (an MPI job asks for several).
        public var nodes = 1

        public init(cpus: Int = 1, memoryMB: Int = 0, gpus: Int = 0, seconds: Int? = nil, nodes: Int = 1) {
            self.cpus = cpus
            self.memoryMB = memoryMB
            self.gpus = gpus
            self.seconds = seconds
            self.nodes = max(1, nodes)
        }

        /// What each of its nodes must have: its share of the CPUs (rounded up), the memory and the GPUs.
        public var perNode: Capacity.Resources {
            .init(cpus: (cpus + nodes - 1) / nodes, memoryMB: memoryMB, gpus: gpus)
        }
    }

    public struct Free: Sendable, Hashable {
        public var node: String
        public var resources: Capacity.Resources
        public var partitions: [String]
        /// The node has GPUs (listed last for a job that asks for none, so it does not take them from GPU jobs).
        public var hasGPUs: Bool
    }

    public struct Answer: Sendable, Hashable {
        /// How many nodes could start its share now.
        public var nowCount: Int
        /// The best fits among them (at most `listed`): nodes without GPUs first for a job asking none, then the
        /// smallest free block that holds it, so a small job does not break up a big free node.
        public var now: [Free]
        /// Free resources summed over the nodes that accept work (for "8 GPUs free, but no node has 4").
        public var totalFree: Capacity.Resources
        /// The first time enough nodes should fit, if too few fit now.
        public var later: Later?
        /// Nodes considered (healthy, in an allowed partition, big enough in principle).
        public var candidates: Int
        /// Powered-down nodes big enough for it: Slurm powers them up for the job (its ResumeTimeout later).
        public var onDemand = 0
        /// The partitions of the first of them.
        public var onDemandPartitions: [String] = []
        /// Partitions that refuse the time limit.
        public var tooLongFor: [String]
        /// The most any one node in the allowed partitions has of each resource when empty: what a request that fits
        /// nowhere is measured against ("the largest has 187 GB").
        public var largestNode: Capacity.Resources
        /// Up partitions, not among those asked about, that have nodes big enough: where it could run instead.
        public var elsewhere: [String]

        /// Whether it could start now on as many nodes as it asks for.
        public var startsNow: Bool { now.count > 0 && nowCount >= requestedNodes }
        /// Whether no node it may use is big enough even when empty (or too few are, for a multi-node job).
        public var neverFits: Bool { candidates < requestedNodes }
        var requestedNodes: Int
    }

    public struct Later: Sendable, Hashable {
        public var node: String
        public var at: Int64
        /// The node's partitions (where an `sbatch` line for it would go).
        public var partitions: [String]

        public init(node: String, at: Int64, partitions: [String] = []) {
            self.node = node
            self.at = at
            self.partitions = partitions
        }
    }

    /// How many fitting nodes an answer names; the count covers all.
    public static let listed = 40

    /// - Parameter partition: one partition, or any the cluster has when nil.
    public static func answer(_ request: Request, facts: ClusterFacts, in partition: String?) -> Answer {
        answer(request, facts: facts, inAny: partition.map { [$0] })
    }

    /// - Parameter partitions: the partitions the job may use (a job lists several), or any when nil.
    public static func answer(_ request: Request, facts: ClusterFacts, inAny partitions: [String]?) -> Answer {
        let considered = facts.partitions.filter { partitions?.contains($0.name) ?? true }
        let allowed = Set(considered.filter { $0.isUp && !refuses($0, request) }.map(\.name))
        let tooLong = considered.filter { refuses($0, request) }.map(\.name)
        let wanted = request.perNode
        var answer = Answer(
            nowCount: 0, now: [], totalFree: .init(), later: nil, candidates: 0, tooLongFor: tooLong,
            largestNode: .init(), elsewhere: [], requestedNodes: request.nodes)
        var candidates: [Int] = []
        var fitting: [Int] = []
        let inAllowed = facts.capacity.setsNaming(allowed)
        let nodes = facts.capacity.nodes
        // By index: a for-in over the nodes would copy each (name, partitions, releases) to look at its numbers.
        for index in nodes.indices where inAllowed[nodes[index].partitionSet] {
            let free = nodes[index].free
            let size = nodes[index].size
            answer.largestNode = Capacity.Resources(
                cpus: max(answer.largestNode.cpus, size.cpus),
                memoryMB: max(answer.largestNode.memoryMB, size.memoryMB),
                gpus: max(answer.largestNode.gpus, size.gpus))
            if nodes[index].acceptsNewJobs {
                answer.totalFree = answer.totalFree + free
                if free.covers(wanted) { fitting.append(index) }
            }
            if size.covers(wanted) {
                candidates.append(index)
                if nodes[index].readyOnDemand {
                    if answer.onDemand == 0 { answer.onDemandPartitions = nodes[index].partitions }
                    answer.onDemand += 1
                }
            }
        }
        answer.nowCount = fitting.count
        answer.now = bestFits(fitting, of: nodes, for: wanted).map { index in
            Free(
                node: nodes[index].name, resources: nodes[index].free, partitions: nodes[index].partitions,
                hasGPUs: nodes[index].size.gpus > 0)
        }
        answer.candidates = candidates.count
        if answer.nowCount < request.nodes, candidates.count >= request.nodes {
            answer.later = earliest(
                wanted, nodes: request.nodes, candidates: candidates.lazy.map { nodes[$0] }, now: facts.snapshotAt)
        }
        if answer.neverFits, partitions != nil {
            let others = facts.partitions.filter { $0.isUp && !refuses($0, request) && !allowed.contains($0.name) }
            answer.elsewhere = others.map(\.name).filter { name in
                let inIt = facts.capacity.setsNaming([name])
                return nodes.lazy.filter { inIt[$0.partitionSet] && $0.size.covers(wanted) }.prefix(request.nodes)
                    .count == request.nodes
            }
        }
        return answer
    }

    /// The first `listed` of `fitting` by how well they fit `wanted`: GPU nodes last when it asks for no GPU, then
    /// the fewest CPUs, memory and GPUs left over, then Slurm's order.
    static func bestFits(_ fitting: [Int], of nodes: [Capacity.Node], for wanted: Capacity.Resources) -> [Int] {
        func key(_ index: Int) -> (Int, Int, Int, Int, Int) {
            let node = nodes[index]
            let wasted = wanted.gpus == 0 && node.size.gpus > 0 ? 1 : 0
            return (
                wasted, node.free.cpus - wanted.cpus, node.free.memoryMB - wanted.memoryMB,
                node.free.gpus - wanted.gpus, index
            )
        }
        // Keys once, then a partial selection: thousands of fitting nodes, forty listed.
        let keyed = fitting.map { (key($0), $0) }
        guard keyed.count > listed else { return keyed.sorted { $0.0 < $1.0 }.map(\.1) }
        var best = Array(keyed.prefix(listed)).sorted { $0.0 < $1.0 }
        for item in keyed.dropFirst(listed) where item.0 < best[listed - 1].0 {
            let position = best.firstIndex { item.0 < $0.0 } ?? listed - 1
            best.insert(item, at: position)
            best.removeLast()
        }
        return best.map(\.1)
    }

    /// How many of `nodes` that accept work have all of `request` free at once.
    public static func fittingNow(_ request: Request, nodes: some Sequence<Capacity.Node>) -> Int {
        nodes.reduce(0) { $0 + ($1.acceptsNewJobs && $1.free.covers(request.perNode) ? 1 : 0) }
    }

    private static func refuses(_ partition: ClusterFacts.PartitionInfo, _ request: Request) -> Bool {
        guard let seconds = request.seconds, let limit = partition.maxTimeSeconds else { return false }
        return seconds > limit
    }

    /// When running jobs' ends (at their time limits) first free `wanted` on `count` candidate nodes at once: the
    /// `count`-th earliest of the nodes' own first fits (now, for a node that accepts work and has it free).
    static func earliest(
        _ wanted: Capacity.Resources, nodes count: Int = 1, candidates: some Sequence<Capacity.Node>, now: Int64
    ) -> Later? {
        var fits: [Later] = []
        for node in candidates {
            let bar = fits.count >= count ? fits[count - 1].at : Int64.max
            if node.acceptsNewJobs, node.free.covers(wanted) {
                insert(Later(node: node.name, at: now, partitions: node.partitions))
                continue
            }
            var free = node.free
            for release in node.releases {
                if release.at >= bar { break }
                free = free + release.freed
                if free.covers(wanted) {
                    insert(Later(node: node.name, at: release.at, partitions: node.partitions))
                    break
                }
            }
        }
        func insert(_ fit: Later) {
            let position = fits.firstIndex { fit.at < $0.at } ?? fits.count
            fits.insert(fit, at: position)
            if fits.count > count { fits.removeLast() }
        }
        return fits.count == count ? fits.last : nil
    }
}
