import SlurmKit

/// What each node that could take work has free now, how big it is, and what its running jobs free when they
/// reach their time limits: enough to say where a job of any size could start, now or later, without reading a
/// node or a job row.
///
/// Nodes idle, mixed or allocated are kept (down, drained, reserved and powered-off nodes take no work), most
/// free first (GPUs, then CPUs, then memory), in Slurm's order on a tie, so the nodes a request fits are listed
/// in the order a person wants them without sorting at answer time.
public struct Capacity: Sendable, Hashable {
    public struct Resources: Sendable, Hashable {
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
        /// Whether the scheduler could start work there now (`NodeState.acceptsNewJobs`).
        public var acceptsNewJobs: Bool
        public var free: Resources
        /// Usable CPUs (`CPUEfctv`), memory and GPUs in all.
        public var size: Resources
        /// Jobs with a time limit, earliest end first.
        public var releases: [Release]
    }

    public var nodes: [Node]

    public init(nodes: [Node]) {
        self.nodes = nodes
    }

    init(_ snapshot: ClusterSnapshot) {
        var kept: [Node] = []
        var position: [String: Int] = [:]
        for node in snapshot.nodes where [.idle, .mixed, .allocated].contains(node.state.category) {
            position[node.name] = kept.count
            kept.append(
                Node(
                    name: node.name, partitions: node.partitions, acceptsNewJobs: node.state.acceptsNewJobs,
                    free: Resources(
                        cpus: node.cpusFree, memoryMB: max(0, node.memoryMB - node.memoryAllocatedMB),
                        gpus: node.gpusFree),
                    size: Resources(cpus: node.cpusEffective, memoryMB: node.memoryMB, gpus: node.gpusTotal),
                    releases: []))
        }
        for job in snapshot.jobs where job.state == .running {
            guard let list = job.nodeList, let start = job.startTime,
                let end = job.endTime ?? job.timeLimit.seconds.map({ start + Int64($0) })
            else { continue }
            let perNode = max(1, job.nodeCount)
            let freed = Resources(
                cpus: job.cpus / perNode,
                memoryMB: (job.memoryMB ?? 0) * (job.memoryPerCPU ? job.cpus / perNode : 1), gpus: job.gres.gpuCount)
            let release = Release(at: max(end, snapshot.takenAt), freed: freed)
            if let index = position[list] {
                kept[index].releases.append(release)
                continue
            }
            for name in (try? Hostlist.expand(list)) ?? [] {
                if let index = position[name] { kept[index].releases.append(release) }
            }
        }
        let order = kept.indices.sorted { a, b in
            let (x, y) = (kept[a].free, kept[b].free)
            return (x.gpus, x.cpus, x.memoryMB, b) > (y.gpus, y.cpus, y.memoryMB, a)
        }
        nodes = order.map { index in
            var node = kept[index]
            node.releases.sort { $0.at < $1.at }
            return node
        }
    }
}
