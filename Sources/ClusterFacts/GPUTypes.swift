public import SlurmKit

extension ClusterFacts.GPUSummary {
    /// The key of GPUs Slurm gives no type.
    public static let untyped = "gpu"

    /// "A100", "1080TI", or "GPUs" for untyped ones: how a type reads in an answer.
    public static func label(_ type: String) -> String {
        type == untyped ? "GPUs" : type.uppercased()
    }

    /// A node's GPUs per type, each with how many are free: every type counted (`gpu:1080:7,gpu:block:1` is 7 and
    /// 1, not 8 of the first), MIG slices as types of their own, in use per type from `GresUsed` when Slurm prints
    /// it. Without it, or where it names no type, the node's GPUs in use are counted against its types in order.
    public static func byType(_ node: Node) -> [String: Count] {
        var totals: [(type: String, total: Int)] = []
        for gres in node.gres where gres.isGPU {
            let type = gres.type ?? untyped
            if let index = totals.firstIndex(where: { $0.type == type }) {
                totals[index].total += gres.count
            } else {
                totals.append((type, gres.count))
            }
        }
        var used: [String: Int] = [:]
        var unplaced = node.gpusUsed
        if let gresUsed = node.gresUsed {
            unplaced = 0
            for gres in gresUsed where gres.isGPU {
                if let type = gres.type, totals.contains(where: { $0.type == type }) {
                    used[type, default: 0] += gres.count
                } else {
                    unplaced += gres.count
                }
            }
        }
        var counts: [String: Count] = [:]
        for (type, total) in totals {
            var inUse = min(total, used[type] ?? 0)
            let more = min(total - inUse, unplaced)
            inUse += more
            unplaced -= more
            counts[type] = Count(free: total - inUse, total: total)
        }
        return counts
    }
}
