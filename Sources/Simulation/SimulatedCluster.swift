public import SlurmKit

/// A deterministic cluster that prints what `scontrol`, `squeue` and `sacct` print, at any moment.
///
/// Its state at time `t` depends only on the seed, the layout and `t`, never on which moments were asked before,
/// so polls minutes apart see the same jobs move on, and a day of history can be backfilled in seconds. Each node
/// is split into lanes; each lane runs a chain of jobs whose sizes, durations, owners and endings come from a hash
/// of (seed, lane, index). Scripted spells add a drained node with a reason, a node that goes down and comes back,
/// and a nightly maintenance reservation.
///
/// Not thread-safe: it caches each lane's position so moving forward in time is cheap. Give each user its own.
public final class SimulatedCluster {
    /// 2026-06-01T00:00:00Z: chains start here; before it the cluster is empty.
    public static let defaultEpoch: Int64 = 1_780_272_000
    /// How long ended jobs stay in `squeue -t all` (Slurm's `MinJobAge` default).
    public static let minJobAge: Int64 = 300

    public let layout: Layout
    public let seed: UInt64
    public let epoch: Int64
    /// The simulated head node's zone: one hour east of UTC, so the time zone path is always exercised.
    public let clock = SlurmClock(utcOffset: 3600)

    struct NodeSpec {
        var name: String
        var group: Layout.NodeGroup
        var lanes: [Int]
        var windows: [Window]
    }

    let nodes: [NodeSpec]
    let lanes: [Lane]
    let idStride: Int
    var cursors: [LaneCursor]

    public init(layout: Layout = .standard, seed: UInt64 = 42, epoch: Int64 = SimulatedCluster.defaultEpoch) {
        self.layout = layout
        self.seed = seed
        self.epoch = epoch
        var nodes: [NodeSpec] = []
        var lanes: [Lane] = []
        var numbers: [String: Int] = [:]
        for group in layout.groups {
            let maxTime = layout.partitions.first { $0.name == group.partition }?.maxTime ?? 86_400
            var first = numbers[group.prefix, default: 0]
            for _ in 0..<(group.count / group.nodesPerJob) {
                var members: [Int] = []
                for _ in 0..<group.nodesPerJob {
                    first += 1
                    let digits = String(first)
                    let name =
                        group.prefix + String(repeating: "0", count: max(0, group.digits - digits.count)) + digits
                    members.append(nodes.count)
                    nodes.append(NodeSpec(name: name, group: group, lanes: [], windows: []))
                }
                for _ in 0..<group.lanesPerNode {
                    for member in members { nodes[member].lanes.append(lanes.count) }
                    lanes.append(
                        Lane(
                            index: lanes.count, nodeIndexes: members, partition: group.partition,
                            cpusPerNode: group.cpus / group.lanesPerNode,
                            memoryPerNodeMB: group.memoryMB / group.lanesPerNode / 1000 * 1000,
                            gpusPerNode: group.gpus / group.lanesPerNode, gpuType: group.gpuType, maxTime: maxTime
                        ))
                }
            }
            numbers[group.prefix] = first
        }
        for index in nodes.indices {
            switch nodes[index].name {
            case layout.drainNode:
                nodes[index].windows = [Window(kind: .drain, period: 3 * 86_400, offset: 20 * 3600, length: 44 * 3600)]
            case layout.flakyNode:
                nodes[index].windows = [Window(kind: .down, period: 9 * 3600, offset: 5 * 3600, length: 40 * 60)]
            case layout.maintenanceNode:
                nodes[index].windows = [Window(kind: .maintenance, period: 86_400, offset: 2 * 3600, length: 2 * 3600)]
            default:
                break
            }
        }
        self.nodes = nodes
        self.lanes = lanes
        self.idStride = lanes.count + Specials.count
        self.cursors = Array(repeating: LaneCursor(epoch: epoch), count: lanes.count)
    }

    /// Every node name, in natural order.
    public var nodeNames: [String] { nodes.map(\.name) }

    /// The cluster at `t` as the poll script would print it, section by section.
    public func sections(at t: Int64) -> [PollScript.Section: PollScript.SectionOutput] {
        render(state(at: t))
    }

    /// The combined output of the poll script at `t`.
    public func output(at t: Int64, nonce: String) -> String {
        PollScript.assemble(nonce: nonce, sections: sections(at: t))
    }

    /// The cluster at `t` as models, without going through text (benchmarks of the store use this).
    public func snapshot(at t: Int64) -> ClusterSnapshot {
        let state = state(at: t)
        return ClusterSnapshot(
            takenAt: t, clock: clock, host: "head", slurmVersion: "slurm 22.05.8", nodes: state.nodes,
            partitions: state.partitions, jobs: state.jobs, accounting: state.accounting
        )
    }
}
