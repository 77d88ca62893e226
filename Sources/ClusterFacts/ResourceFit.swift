/// Where a job of a given size could run, now or later, from one snapshot's facts. Pure, tested directly; what
/// `/canrun` and `/why` answer and what the analyst and the MCP tools will state.
///
/// Only nodes that could take work count: drained, down, reserved, planned and not-responding nodes do not. A
/// later fit assumes running jobs end at their time limits, which is the latest they can; pending jobs ahead may
/// still take a node first, and the answer says so.
public enum ResourceFit {
    public struct Request: Sendable, Hashable {
        public var cpus = 1
        public var memoryMB = 0
        public var gpus = 0
        public var seconds: Int?

        public init(cpus: Int = 1, memoryMB: Int = 0, gpus: Int = 0, seconds: Int? = nil) {
            self.cpus = cpus
            self.memoryMB = memoryMB
            self.gpus = gpus
            self.seconds = seconds
        }

        var resources: Capacity.Resources { .init(cpus: cpus, memoryMB: memoryMB, gpus: gpus) }
    }

    public struct Free: Sendable, Hashable {
        public var node: String
        public var resources: Capacity.Resources
    }

    public struct Answer: Sendable, Hashable {
        /// How many nodes could start it now.
        public var nowCount: Int
        /// The first of them, most free first (at most `listed`).
        public var now: [Free]
        /// Free resources summed over the nodes that accept work (for "8 GPUs free, but no node has 4").
        public var totalFree: Capacity.Resources
        /// The first node and time it should fit, if it fits nowhere now.
        public var later: Later?
        /// Nodes considered (healthy, in an allowed partition, big enough in principle).
        public var candidates: Int
        /// Partitions that refuse the time limit.
        public var tooLongFor: [String]
    }

    public struct Later: Sendable, Hashable {
        public var node: String
        public var at: Int64

        public init(node: String, at: Int64) {
            self.node = node
            self.at = at
        }
    }

    /// How many fitting nodes an answer names; the count covers all.
    public static let listed = 40

    /// - Parameter partition: one partition, or any the cluster has when nil.
    public static func answer(_ request: Request, facts: ClusterFacts, in partition: String?) -> Answer {
        let considered = facts.partitions.filter { partition == nil || $0.name == partition }
        let allowed = Set(
            considered.filter { candidate in
                candidate.isUp && !refuses(candidate, request)
            }.map(\.name))
        let tooLong = considered.filter { refuses($0, request) }.map(\.name)
        let wanted = request.resources
        var answer = Answer(
            nowCount: 0, now: [], totalFree: .init(), later: nil, candidates: 0, tooLongFor: tooLong)
        var candidates: [Int] = []
        let inAllowed = facts.capacity.setsNaming(allowed)
        let nodes = facts.capacity.nodes
        // By index: a for-in over the nodes would copy each (name, partitions, releases) to look at its numbers.
        for index in nodes.indices where inAllowed[nodes[index].partitionSet] {
            let free = nodes[index].free
            if nodes[index].acceptsNewJobs {
                answer.totalFree = answer.totalFree + free
                if free.covers(wanted) {
                    answer.nowCount += 1
                    if answer.now.count < listed { answer.now.append(Free(node: nodes[index].name, resources: free)) }
                }
            }
            if nodes[index].size.covers(wanted) { candidates.append(index) }
        }
        answer.candidates = candidates.count
        if answer.nowCount == 0 { answer.later = earliest(wanted, candidates: candidates.lazy.map { nodes[$0] }) }
        return answer
    }

    /// How many of `nodes` that accept work have all of `request` free at once.
    public static func fittingNow(_ request: Request, nodes: some Sequence<Capacity.Node>) -> Int {
        nodes.reduce(0) { $0 + ($1.acceptsNewJobs && $1.free.covers(request.resources) ? 1 : 0) }
    }

    private static func refuses(_ partition: ClusterFacts.PartitionInfo, _ request: Request) -> Bool {
        guard let seconds = request.seconds, let limit = partition.maxTimeSeconds else { return false }
        return seconds > limit
    }

    /// When running jobs' ends (at their time limits) first free enough on one candidate node.
    static func earliest(_ wanted: Capacity.Resources, candidates: some Sequence<Capacity.Node>) -> Later? {
        var best: Later?
        for node in candidates {
            var free = node.free
            for release in node.releases {
                if let best, release.at >= best.at { break }
                free = free + release.freed
                if free.covers(wanted) {
                    best = Later(node: node.name, at: release.at)
                    break
                }
            }
        }
        return best
    }
}
