public import ClusterFacts
import SlurmKit

/// One paragraph on the cluster (or one partition) from its facts: how busy it is, where there is room, what waits
/// and why, what is out of service. The built-in analyst's words, on top of `/status`; every number in it is one of
/// the facts, so it can never disagree with the lines below it.
public enum StatusSummary {
    /// - Parameter free: what is free per scope (`Capacity.freeByScope`), when the caller has it already.
    public static func paragraph(
        _ facts: ClusterFacts, partition: String?, free byScope: [String: FreeCapacity]? = nil
    ) -> String {
        let byScope = byScope ?? facts.capacity.freeByScope()
        guard let usage = facts.usage(partition), usage.nodesTotal > 0 else {
            return partition.map { "Partition \($0) has no nodes." } ?? "The cluster reports no nodes."
        }
        var sentences: [String] = []
        var busy =
            "\(usage.cpusAllocated) of \(usage.cpusTotal) CPUs (\(percent(usage.cpusAllocated, usage.cpusTotal))) "
        if usage.gpusTotal > 0 {
            busy = "\(usage.cpusAllocated) of \(usage.cpusTotal) CPUs and \(usage.gpusUsed) of \(usage.gpusTotal) GPUs "
        }
        sentences.append(busy + "are in use")
        let free = byScope[partition ?? PartitionUsage.allPartitions] ?? FreeCapacity()
        let onDemand = facts.capacity.readyOnDemand(in: partition)
        if free.free.cpus == 0, onDemand.nodes > 0 {
            sentences.append(
                "Nothing is free this minute, but \(onDemand.nodes) powered-down "
                    + (onDemand.nodes == 1 ? "node" : "nodes") + " (\(onDemand.size.cpus) CPUs) "
                    + (onDemand.nodes == 1 ? "is" : "are") + " ready on demand")
        } else if free.free.cpus == 0 {
            sentences.append("Nothing is free to start a job now")
        } else if partition == nil, let best = roomiest(facts, byScope) {
            sentences.append("Most room in \(best.name): " + Self.free(best.free))
        } else {
            sentences.append(Self.free(free).prefix(1).uppercased() + Self.free(free).dropFirst())
        }
        if free.free.cpus > 0, free.scatteredCPUShare >= 0.8, free.nodesIdle == 0 {
            sentences.append("The free CPUs are scattered over partly busy nodes, so big jobs wait")
        }
        let reasons = facts.waitingByReason[partition ?? PartitionUsage.allPartitions] ?? [:]
        let waiting = reasons.values.reduce(0, +)
        if waiting == 0 {
            sentences.append("No job is waiting")
        } else if let top = reasons.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) {
            sentences.append(
                "\(waiting) \(waiting == 1 ? "job waits" : "jobs wait")"
                    + (top.value == waiting
                        ? ", all " + JobReason.words(for: top.key)
                        : top.value == 1
                            ? ", each for its own reason" : ": \(top.value) " + JobReason.words(for: top.key)))
        }
        let troubled = facts.outOfService.filter { node in partition.map(node.partitions.contains) ?? true }
        if !troubled.isEmpty {
            let names = troubled.prefix(3).map(\.name).joined(separator: ", ") + (troubled.count > 3 ? ", …" : "")
            sentences.append(
                "\(troubled.count) \(troubled.count == 1 ? "node is" : "nodes are") out of service (\(names))")
        }
        return sentences.joined(separator: ". ") + "."
    }

    /// "32 CPUs and 2 GPUs free, up to 16 CPUs on one node"
    static func free(_ free: FreeCapacity) -> String {
        "\(free.free.cpus) CPUs" + (free.free.gpus > 0 ? " and \(free.free.gpus) GPUs" : "")
            + " free, up to \(free.largestBlock.cpus) CPUs on one node"
    }

    /// The up partition with the most free CPUs, if any has some.
    static func roomiest(_ facts: ClusterFacts, _ byScope: [String: FreeCapacity]) -> (
        name: String, free: FreeCapacity
    )? {
        facts.partitions.filter(\.isUp).map { ($0.name, byScope[$0.name] ?? FreeCapacity()) }
            .filter { $0.1.free.cpus > 0 }
            .max { ($0.1.free.cpus, $1.0) < ($1.1.free.cpus, $0.0) }
            .map { (name: $0.0, free: $0.1) }
    }

    /// "92 %"; "<1 %" for a share too small to round to one.
    static func percent(_ part: Int, _ whole: Int) -> String {
        guard whole > 0 else { return "0 %" }
        let value = Double(part) * 100 / Double(whole)
        return value > 0 && value < 1 ? "<1 %" : "\(Int(value.rounded())) %"
    }
}
