public import ClusterFacts
public import SlurmKit

/// One partition (or the whole cluster) at a glance, as a traffic light a phone screen can show in one line:
/// 🟢 room now, 🟡 busy but something free, 🔴 full with jobs waiting, ⚫ down.
///
/// Judged from what is free on nodes that accept work (`FreeCapacity`, the same numbers `/canrun` fits against),
/// not from node states alone: a partition of half-busy nodes with CPUs free is not full.
public enum TrafficLight: Int, Sendable, Hashable, Comparable, CaseIterable {
    case room
    case busy
    case full
    case down

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var emoji: String {
        switch self {
        case .room: "🟢"
        case .busy: "🟡"
        case .full: "🔴"
        case .down: "⚫"
        }
    }

    public var words: String {
        switch self {
        case .room: "room now"
        case .busy: "busy, something free"
        case .full: "full, jobs waiting"
        case .down: "down"
        }
    }

    /// The embed colour of a cluster in this state (Discord's green, yellow, red, and grey).
    public var color: Int {
        switch self {
        case .room: 0x57F287
        case .busy: 0xFEE75C
        case .full: 0xED4245
        case .down: 0x4F545C
        }
    }

    /// Room means an idle node, or at least a quarter of the CPUs free: a typical job starts now.
    public static let roomShare = 0.25

    /// - Parameters:
    ///   - isUp: whether Slurm starts jobs there (a partition's state; the whole cluster is up if any is).
    ///   - usage: its node and CPU totals.
    ///   - free: what is free on its nodes that accept work.
    ///   - waiting: jobs waiting to start there.
    public static func of(isUp: Bool, usage: PartitionUsage, free: FreeCapacity, waiting: Int) -> TrafficLight {
        guard isUp, free.nodesAccepting > 0 || usage.nodesTotal - outOfService(usage) > 0 else { return .down }
        guard free.nodesAccepting > 0 else { return waiting > 0 ? .full : .busy }
        if free.nodesIdle > 0 || Double(free.free.cpus) >= roomShare * Double(max(1, usage.cpusTotal)) {
            return .room
        }
        if free.free.cpus > 0 { return .busy }
        return waiting > 0 ? .full : .busy
    }

    /// Nodes that take no work: down, drained, draining.
    static func outOfService(_ usage: PartitionUsage) -> Int {
        usage.nodes(.down) + usage.nodes(.drained) + usage.nodes(.draining)
    }
}

extension ClusterFacts {
    /// The light of `partition`, or of the whole cluster for nil (up when any partition is).
    /// - Parameter free: what is free in it, when the caller has it already (`Capacity.freeByScope`).
    public func light(_ partition: String?, free: FreeCapacity? = nil) -> TrafficLight {
        guard let usage = usage(partition) else { return .down }
        let isUp =
            partition.map { name in partitions.first { $0.name == name }?.isUp ?? false }
            ?? partitions.contains(where: \.isUp)
        return TrafficLight.of(
            isUp: isUp, usage: usage, free: free ?? capacity.free(in: partition), waiting: jobs(partition).waiting)
    }
}
