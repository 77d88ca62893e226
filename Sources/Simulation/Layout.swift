import SlurmKit

/// The shape of a simulated cluster: node groups, their partitions and how jobs share them.
public struct Layout: Sendable {
    /// A set of identical nodes.
    public struct NodeGroup: Sendable {
        public var prefix: String
        public var count: Int
        public var digits: Int
        public var partition: String
        public var cpus: Int
        public var memoryMB: Int
        /// `gpu:a100:4(S:0-1)` style configured GRES, or nil.
        public var gpuType: String?
        public var gpus: Int
        public var features: [String]
        /// Jobs that can run side by side on one node; each takes an equal share.
        public var lanesPerNode: Int
        /// Nodes a job spans (multi-node MPI jobs when > 1).
        public var nodesPerJob: Int

        public init(
            prefix: String, count: Int, digits: Int = 2, partition: String, cpus: Int, memoryMB: Int,
            gpuType: String? = nil, gpus: Int = 0, features: [String], lanesPerNode: Int, nodesPerJob: Int = 1
        ) {
            self.prefix = prefix
            self.count = count
            self.digits = digits
            self.partition = partition
            self.cpus = cpus
            self.memoryMB = memoryMB
            self.gpuType = gpuType
            self.gpus = gpus
            self.features = features
            self.lanesPerNode = lanesPerNode
            self.nodesPerJob = nodesPerJob
        }
    }

    public struct PartitionSpec: Sendable {
        public var name: String
        public var isDefault: Bool
        public var maxTime: Int
        public var defaultTime: Int

        public init(name: String, isDefault: Bool, maxTime: Int, defaultTime: Int) {
            self.name = name
            self.isDefault = isDefault
            self.maxTime = maxTime
            self.defaultTime = defaultTime
        }
    }

    public var groups: [NodeGroup]
    public var partitions: [PartitionSpec]
    /// Names of nodes with scripted trouble (drained for days, down for a while, maintenance windows).
    public var drainNode: String
    public var flakyNode: String
    public var maintenanceNode: String

    public init(
        groups: [NodeGroup], partitions: [PartitionSpec], drainNode: String, flakyNode: String,
        maintenanceNode: String
    ) {
        self.groups = groups
        self.partitions = partitions
        self.drainNode = drainNode
        self.flakyNode = flakyNode
        self.maintenanceNode = maintenanceNode
    }

    /// About 60 nodes in 3 partitions: CPU nodes (some exclusive 2-node MPI pairs), A100 and RTX GPU nodes,
    /// big-memory nodes.
    public static let standard = Layout(
        groups: [
            NodeGroup(
                prefix: "c", count: 32, partition: "cpu", cpus: 48, memoryMB: 192_000, features: ["avx512", "ib"],
                lanesPerNode: 3),
            NodeGroup(
                prefix: "c", count: 8, partition: "cpu", cpus: 48, memoryMB: 192_000, features: ["avx512", "ib"],
                lanesPerNode: 1, nodesPerJob: 2),
            NodeGroup(
                prefix: "g", count: 8, partition: "gpu", cpus: 64, memoryMB: 512_000, gpuType: "a100", gpus: 4,
                features: ["a100", "ib"], lanesPerNode: 4),
            NodeGroup(
                prefix: "g", count: 4, partition: "gpu", cpus: 32, memoryMB: 256_000, gpuType: "rtx6000", gpus: 2,
                features: ["rtx6000"], lanesPerNode: 2),
            NodeGroup(
                prefix: "m", count: 8, partition: "bigmem", cpus: 64, memoryMB: 1_536_000, features: ["himem"],
                lanesPerNode: 2),
        ],
        partitions: [
            PartitionSpec(name: "cpu", isDefault: true, maxTime: 2 * 86_400, defaultTime: 3600),
            PartitionSpec(name: "gpu", isDefault: false, maxTime: 86_400, defaultTime: 3600),
            PartitionSpec(name: "bigmem", isDefault: false, maxTime: 7 * 86_400, defaultTime: 3600),
        ],
        drainNode: "c07", flakyNode: "g03", maintenanceNode: "m08"
    )

    /// The standard mix scaled to about `nodes` nodes, for benchmarks at 10,000 nodes.
    public static func scaled(nodes: Int) -> Layout {
        var layout = standard
        let factor = Double(nodes) / 60
        let digits = String(nodes).count
        for index in layout.groups.indices {
            layout.groups[index].count = max(2, Int((Double(layout.groups[index].count) * factor).rounded()) / 2 * 2)
            layout.groups[index].digits = digits
        }
        func pad(_ n: Int) -> String { String(repeating: "0", count: max(0, digits - String(n).count)) + String(n) }
        layout.drainNode = "c" + pad(7)
        layout.flakyNode = "g" + pad(3)
        layout.maintenanceNode = "m" + pad(layout.groups[4].count)
        return layout
    }
}
