public import SlurmKit

/// What one snapshot says about a cluster, computed once, when the poller stores the snapshot, and read back
/// whole by every answer that summarizes the cluster: so a 10,000-node `/status`, `/queue` or `/canrun` reads one
/// row, not 10,000, and every front end (embeds, the analyst's prompt, the MCP tools) states the same numbers for
/// the same snapshot.
///
/// Pure: built from a `ClusterSnapshot`, encoded by the store. `version` changes whenever the meaning or the
/// shape of a field does; a reader finding another version treats the facts as missing until the next poll.
/// Scopes are partition names, and `PartitionUsage.allPartitions` (`*`) for the whole cluster.
public struct ClusterFacts: Sendable, Hashable, Codable {
    public static let currentVersion = 3

    public var version: Int
    public var cluster: String
    /// When Slurm printed the snapshot these facts describe.
    public var snapshotAt: Int64
    public var slurmVersion: String?
    /// Partitions in the order Slurm lists them.
    public var partitions: [PartitionInfo]
    /// Node counts by state, CPUs, memory, GPUs and jobs, per partition and for the whole cluster, exactly as the
    /// history samples store them.
    public var usage: [PartitionUsage]
    /// Nodes down, drained, draining or not responding, in natural order of their names.
    public var outOfService: [OutOfServiceNode]
    /// GPUs by type, per scope.
    public var gpus: [String: GPUSummary]
    /// Jobs waiting to start by reason code (`Priority`, `Resources`…), per scope; a job counts in the partition
    /// it would start in first (`JobsSummary.homePartition`).
    public var waitingByReason: [String: [String: Int]]
    /// Running and waiting jobs per scope: totals, by user, and the longest running.
    public var jobs: [String: JobsSummary]
    /// What each node that could take work has free now and frees as its jobs end: what `/canrun` and `/why`
    /// fit requests against.
    public var capacity: Capacity

    public struct PartitionInfo: Sendable, Hashable, Codable {
        public var name: String
        public var isDefault: Bool
        /// Whether Slurm starts jobs there (state `UP`).
        public var isUp: Bool
        /// The longest time limit a job there may ask for; nil when unlimited.
        public var maxTimeSeconds: Int?

        public init(name: String, isDefault: Bool = false, isUp: Bool = true, maxTimeSeconds: Int? = nil) {
            self.name = name
            self.isDefault = isDefault
            self.isUp = isUp
            self.maxTimeSeconds = maxTimeSeconds
        }
    }

    public struct OutOfServiceNode: Sendable, Hashable, Codable {
        public var name: String
        /// The state as Slurm printed it, flags included (`DOWN+NOT_RESPONDING`).
        public var state: String
        public var reason: NodeReason?
        public var partitions: [String]
        /// Since when the node has been in this state, as far as the history knows; nil when not known.
        public var since: Int64?
    }

    /// GPUs of the nodes that have any: free ones count only on nodes that accept new jobs.
    public struct GPUSummary: Sendable, Hashable, Codable {
        public struct Count: Sendable, Hashable, Codable {
            public var free = 0
            public var total = 0

            public init(free: Int = 0, total: Int = 0) {
                self.free = free
                self.total = total
            }
        }

        /// By type (`gpu` when untyped), every type of every node counted (`byType(_:)`).
        public var byType: [String: Count] = [:]
        /// The node accepting jobs with the most free GPUs (the first in natural order on a tie), if any is free.
        public var mostFree: NodeGPUs?
    }

    public struct NodeGPUs: Sendable, Hashable, Codable {
        public var name: String
        public var free: Int
    }

    /// The facts of `snapshot`, as stored for `cluster`.
    /// - Parameter since: when each node entered its present state, from the history; out-of-service nodes say it.
    public init(_ snapshot: ClusterSnapshot, cluster: String, since: [String: Int64] = [:]) {
        version = Self.currentVersion
        self.cluster = cluster
        snapshotAt = snapshot.takenAt
        slurmVersion = snapshot.slurmVersion
        partitions = snapshot.partitions.map {
            PartitionInfo(
                name: $0.name, isDefault: $0.isDefault, isUp: $0.isUp, maxTimeSeconds: $0.maxTime.seconds)
        }
        // The jobs' tables on one core, the nodes' on the other: together about half the facts' time each.
        let (jobTables, nodeTables) = inParallel(
            { JobsSummary.compute(snapshot.jobs) },
            {
                (
                    usage: PartitionUsage.compute(snapshot),
                    outOfService: Self.outOfService(snapshot.nodes).map {
                        OutOfServiceNode(
                            name: $0.name, state: "\($0.state)", reason: $0.reason, partitions: $0.partitions,
                            since: since[$0.name])
                    },
                    gpus: Self.gpus(
                        snapshot.nodes.filter { $0.gpusTotal > 0 }.sorted { naturalLess($0.name, $1.name) }),
                    capacity: Capacity(snapshot)
                )
            })
        (jobs, waitingByReason) = jobTables
        usage = nodeTables.usage
        outOfService = nodeTables.outOfService
        gpus = nodeTables.gpus
        capacity = nodeTables.capacity
    }

    /// The nodes an admin should look at, in natural order of their names.
    public static func outOfService(_ nodes: [Node]) -> [Node] {
        // Only the few nodes listed are sorted: sorting all 10,000 by name would cost more than the rest together.
        // Not responding while powered down or booting is power saving at work, not a node out of service.
        nodes.filter {
            [.down, .drained, .draining].contains($0.state.category)
                || ($0.state.has(.notResponding) && $0.state.power == .on)
        }
        .sorted { naturalLess($0.name, $1.name) }
    }

    /// The usage row of `scope` (a partition, or the whole cluster when nil).
    public func usage(_ scope: String?) -> PartitionUsage? {
        let name = scope ?? PartitionUsage.allPartitions
        return usage.first { $0.partition == name }
    }

    /// The jobs of `scope` (a partition, or the whole cluster when nil); empty when none ran or waited there.
    public func jobs(_ scope: String?) -> JobsSummary {
        jobs[scope ?? PartitionUsage.allPartitions] ?? JobsSummary()
    }

    /// - Parameter nodes: the nodes with GPUs, in natural order of their names.
    private static func gpus(_ nodes: [Node]) -> [String: GPUSummary] {
        var summaries: [String: GPUSummary] = [:]
        for node in nodes {
            let byType = GPUSummary.byType(node)
            for scope in [PartitionUsage.allPartitions] + node.partitions {
                var summary = summaries[scope, default: GPUSummary()]
                for (type, count) in byType {
                    summary.byType[type, default: .init()].free += node.state.acceptsNewJobs ? count.free : 0
                    summary.byType[type, default: .init()].total += count.total
                }
                if node.state.acceptsNewJobs, node.gpusFree > 0, node.gpusFree > summary.mostFree?.free ?? 0 {
                    summary.mostFree = NodeGPUs(name: node.name, free: node.gpusFree)
                }
                summaries[scope] = summary
            }
        }
        return summaries
    }
}
