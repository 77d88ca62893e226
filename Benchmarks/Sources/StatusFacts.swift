import Bot
import ClusterFacts
import Foundation
import Simulation
import SlurmKit
import Store

/// `/status` on a 10,000-node / 50,000-job snapshot: reading the stored facts (one row) and rendering them, beside
/// reading what the status was built from before (every node, and the waiting jobs counted in SQL); and what
/// computing the facts adds to a steady-state poll.
func statusFactsBenchmark() throws {
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let t0: Int64 = 1_781_614_800
    let first = try SnapshotParser.parse(
        stdout: syntheticOutput(cluster: cluster, at: t0, jobs: jobCount, nonce: "b"), stderr: "", nonce: "b",
        fallbackTime: 0)
    let later = try SnapshotParser.parse(
        stdout: syntheticOutput(cluster: cluster, at: t0 + 60, jobs: jobCount, nonce: "b"), stderr: "", nonce: "b",
        fallbackTime: 0)
    print("status-10k: \(first.nodes.count) nodes, \(first.jobs.count) jobs")
    let directory = scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let database = try Database(path: directory + "/bench.db")
    try database.sync { _ = try $0.recordSnapshot(first, cluster: "big", source: "bench", startedAt: t0) }
    let storeTime = try time {
        try database.sync { _ = try $0.recordSnapshot(later, cluster: "big", source: "bench", startedAt: t0 + 60) }
    }
    let factsTime = median((0..<5).map { _ in time { _ = ClusterFacts(later, cluster: "big") } })
    // The partition usage inside the facts is what the history samples were computed from before, once.
    let usageTime = median((0..<5).map { _ in time { _ = PartitionUsage.compute(later) } })
    print(
        "  a steady-state store takes \(ms(storeTime)), of which computing the facts \(ms(factsTime)); "
            + "without the partition usage the samples needed anyway, they add \(ms(factsTime - usageTime)) "
            + String(
                format: "(%.1f %% of the store; writing them is one row)", (factsTime - usageTime) / storeTime * 100))
    let utc = TimeZone(identifier: "UTC")!
    var text = ""
    let fromFacts = try median(
        (0..<50).map { _ in
            try time {
                text = try database.sync { connection in
                    try StatusLoader.load(
                        connection, cluster: "big", defaultCluster: "big", timeZone: utc, now: t0 + 120
                    ).text
                }
            }
        })
    let rowByRow = try median(
        (0..<10).map { _ in
            try time {
                _ = try database.sync { connection in
                    (try connection.currentNodes(cluster: "big"), try connection.waitingJobsByReason(cluster: "big"))
                }
            }
        })
    print(
        "  /status from the facts (read + render): \(String(format: "%.2f ms", fromFacts * 1000)); "
            + "reading every node and counting waiting jobs, as it did before: \(ms(rowByRow)) "
            + String(format: "(%.0f× less time)", rowByRow / fromFacts))
    print("  (\(text.split(separator: "\n").count) lines of status; medians of 50 and 10 runs)")
}
