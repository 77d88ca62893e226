import SlurmKit

/// What each node that could take work has free now, how big it is, and what its running jobs free when they
/// reach their time limits: enough to say where a job of any size could start, now or later, without reading a
/// node or a job row.
///
/// Nodes idle, mixed or allocated are kept (down, drained, reserved and powered-off nodes take no work), most
/// free first (GPUs, then CPUs, then memory), in Slurm's order on a tie, so the nodes a request fits are listed
/// in the order a person wants them without sorting at answer time.
public struct Capacity: Sendable, Hashable {
    public struct Resources: Sendable, Hashable, Codable {
        public var cpus: Int
        public var memoryMB: Int
        public var gpus: Int

        public init(cpus: Int = 0, memoryMB: Int = 0, gpus: Int = 0) {
            self.cpus = cpus
            self.memoryMB = memoryMB
            self.gpus = gpus
        }

        /// Whether this much covers `request` in every resource.
        public func covers(_ request: Resources) -> Bool {
            cpus >= request.cpus && memoryMB >= request.memoryMB && gpus >= request.gpus
        }

        public static func + (lhs: Resources, rhs: Resources) -> Resources {
            Resources(cpus: lhs.cpus + rhs.cpus, memoryMB: lhs.memoryMB + rhs.memoryMB, gpus: lhs.gpus + rhs.gpus)
        }
    }

    /// What one running job gives back on one node when it ends.
    public struct Release: Sendable, Hashable {
        /// When the job reaches its time limit (never before the snapshot).
        public var at: Int64
        public var freed: Resources
    }

    public struct Node: Sendable, Hashable {
        public var name: String
        public var partitions: [String]
        /// Where `partitions` is in `Capacity.partitionSets`: answers test a few sets, not every node's list.
        public var partitionSet: Int
        /// Whether the scheduler could start work there now (`NodeState.acceptsNewJobs`).
        public var acceptsNewJobs: Bool
        public var free: Resources
        /// Usable CPUs (`CPUEfctv`), memory and GPUs in all.
        public var size: Resources
        /// Jobs with a time limit, earliest end first.
        public var releases: [Release]
        /// Powered down and otherwise idle (`NodeState.isReadyOnDemand`): Slurm powers it up for a job.
        public var readyOnDemand = false
    }

    public var nodes: [Node]
    /// The distinct partition lists of the nodes (most clusters have a handful).
    public var partitionSets: [[String]]

    public init(nodes: [Node], partitionSets: [[String]]) {
        self.nodes = nodes
        self.partitionSets = partitionSets
    }

    /// For each partition list, whether it names one of `partitions`.
    public func setsNaming(_ partitions: Set<String>) -> [Bool] {
        partitionSets.map { $0.contains(where: partitions.contains) }
    }

    init(_ snapshot: ClusterSnapshot) {
        var kept: [Node] = []
        var position: [String: Int] = [:]
        var sets: [[String]] = []
        var setIndex: [[String]: Int] = [:]
        // Through buffers: a for-in would copy each node and job, retaining all their strings.
        snapshot.nodes.withUnsafeBufferPointer { nodes in
            for position in nodes.indices
            where [.idle, .mixed, .allocated].contains(nodes[position].state.category)
                || nodes[position].state.isReadyOnDemand
            {
                add(nodes[position])
            }
        }
        func add(_ node: SlurmKit.Node) {
            position[node.name] = kept.count
            // Neighbours mostly share their list: comparing with the last one spares hashing every list.
            let set =
                sets.last == node.partitions ? sets.count - 1 : setIndex[node.partitions] ?? sets.count
            if set == sets.count {
                setIndex[node.partitions] = set
                sets.append(node.partitions)
            }
            kept.append(
                Node(
                    name: node.name, partitions: sets[set], partitionSet: set,
                    acceptsNewJobs: node.state.acceptsNewJobs,
                    free: Resources(
                        cpus: node.cpusFree, memoryMB: max(0, node.memoryMB - node.memoryAllocatedMB),
                        gpus: node.gpusFree),
                    size: Resources(cpus: node.cpusEffective, memoryMB: node.memoryMB, gpus: node.gpusTotal),
                    releases: [], readyOnDemand: node.state.isReadyOnDemand))
        }
        snapshot.jobs.withUnsafeBufferPointer { jobs in
            for index in jobs.indices where jobs[index].state == .running {
                // Field by field: passing the job itself copies it.
                guard let list = jobs[index].nodeList, let start = jobs[index].startTime,
                    let end = jobs[index].endTime ?? jobs[index].timeLimit.seconds.map({ start + Int64($0) })
                else { continue }
                let perNode = max(1, jobs[index].nodeCount)
                let cpus = jobs[index].cpus / perNode
                let memory = (jobs[index].memoryMB ?? 0) * (jobs[index].memoryPerCPU ? cpus : 1)
                let release = Release(
                    at: max(end, snapshot.takenAt),
                    freed: Resources(cpus: cpus, memoryMB: memory, gpus: jobs[index].gpus / perNode))
                if let position = position[list] {
                    kept[position].releases.append(release)
                    continue
                }
                for name in (try? Hostlist.expand(list)) ?? [] {
                    if let position = position[name] { kept[position].releases.append(release) }
                }
            }
        }
        let order = kept.indices.sorted { a, b in
            let (x, y) = (kept[a].free, kept[b].free)
            return (x.gpus, x.cpus, x.memoryMB, b) > (y.gpus, y.cpus, y.memoryMB, a)
        }
        partitionSets = sets
        nodes = order.map { index in
            var node = kept[index]
            node.releases.sort { $0.at < $1.at }
            return node
        }
    }
}
