public import SlurmKit

/// What one snapshot says about a cluster, computed once, when the poller stores the snapshot, and read back
/// whole by every answer that summarizes the cluster: so a 10,000-node `/status` reads one row, not 10,000, and
/// every front end states the same numbers for the same snapshot.
///
/// Pure: built from a `ClusterSnapshot`, encoded by the store. `version` changes whenever the meaning or the
/// shape of a field does; a reader finding another version treats the facts as missing until the next poll.
public struct ClusterFacts: Sendable, Hashable, Codable {
    public static let currentVersion = 1

    public var version: Int
    public var cluster: String
    /// When Slurm printed the snapshot these facts describe.
    public var snapshotAt: Int64
    public var slurmVersion: String?
    /// Partitions in the order Slurm lists them.
    public var partitions: [PartitionInfo]
    /// Node counts by state, CPUs, memory, GPUs and jobs, per partition and for the whole cluster
    /// (`PartitionUsage.allPartitions`), exactly as the history samples store them.
    public var usage: [PartitionUsage]
    /// Nodes down, drained, draining or not responding, in natural order of their names.
    public var outOfService: [OutOfServiceNode]
    /// GPUs by type, per partition and for the whole cluster (`PartitionUsage.allPartitions`).
    public var gpus: [String: GPUSummary]
    /// Jobs waiting to start by reason code (`Priority`, `Resources`…), for the whole cluster
    /// (`PartitionUsage.allPartitions`) and per partition they were submitted to.
    public var waitingByReason: [String: [String: Int]]

    public struct PartitionInfo: Sendable, Hashable, Codable {
        public var name: String
        public var isDefault: Bool
    }

    public struct OutOfServiceNode: Sendable, Hashable, Codable {
        public var name: String
        /// The state as Slurm printed it, flags included (`DOWN+NOT_RESPONDING`).
        public var state: String
        public var reason: NodeReason?
        public var partitions: [String]
    }

    /// GPUs of the nodes that have any: free ones count only on nodes that accept new jobs.
    public struct GPUSummary: Sendable, Hashable, Codable {
        public struct Count: Sendable, Hashable, Codable {
            public var free = 0
            public var total = 0
        }

        /// By the type a node lists first (`gpu` when untyped).
        public var byType: [String: Count] = [:]
        /// The node accepting jobs with the most free GPUs (the first in natural order on a tie), if any is free.
        public var mostFree: NodeGPUs?
    }

    public struct NodeGPUs: Sendable, Hashable, Codable {
        public var name: String
        public var free: Int
    }

    /// The facts of `snapshot`, as stored for `cluster`.
    public init(_ snapshot: ClusterSnapshot, cluster: String) {
        version = Self.currentVersion
        self.cluster = cluster
        snapshotAt = snapshot.takenAt
        slurmVersion = snapshot.slurmVersion
        partitions = snapshot.partitions.map { PartitionInfo(name: $0.name, isDefault: $0.isDefault) }
        usage = PartitionUsage.compute(snapshot)
        // Only the few nodes listed are sorted: sorting all 10,000 by name would cost more than the rest together.
        outOfService = snapshot.nodes
            .filter { [.down, .drained, .draining].contains($0.state.category) || $0.state.has(.notResponding) }
            .sorted { naturalLess($0.name, $1.name) }
            .map { OutOfServiceNode(name: $0.name, state: "\($0.state)", reason: $0.reason, partitions: $0.partitions) }
        gpus = Self.gpus(snapshot.nodes.filter { $0.gpusTotal > 0 }.sorted { naturalLess($0.name, $1.name) })
        waitingByReason = Self.waiting(snapshot.jobs)
    }

    /// - Parameter nodes: the nodes with GPUs, in natural order of their names.
    private static func gpus(_ nodes: [Node]) -> [String: GPUSummary] {
        var summaries: [String: GPUSummary] = [:]
        for node in nodes {
            let type = node.gres.gpuTypes.first ?? "gpu"
            let free = node.state.acceptsNewJobs ? node.gpusFree : 0
            for scope in [PartitionUsage.allPartitions] + node.partitions {
                var summary = summaries[scope, default: GPUSummary()]
                summary.byType[type, default: .init()].free += free
                summary.byType[type, default: .init()].total += node.gpusTotal
                if node.state.acceptsNewJobs, node.gpusFree > 0, node.gpusFree > summary.mostFree?.free ?? 0 {
                    summary.mostFree = NodeGPUs(name: node.name, free: node.gpusFree)
                }
                summaries[scope] = summary
            }
        }
        return summaries
    }

    private static func waiting(_ jobs: [Job]) -> [String: [String: Int]] {
        var counts: [String: [String: Int]] = [:]
        for job in jobs where JobState.waiting.contains(job.state) {
            counts[PartitionUsage.allPartitions, default: [:]][job.reason.code, default: 0] += 1
            counts[job.partition, default: [:]][job.reason.code, default: 0] += 1
        }
        return counts
    }
}
