import ClusterFacts
import Foundation
import Testing

@testable import Reports
@testable import SlurmKit

@Suite("the plain-text status")
struct StatusReportTests {
    let utc = TimeZone(identifier: "UTC")!

    func report(snapshotTime: Int64?, latest: StatusReport.Poll?, failures: Int = 0) -> StatusReport {
        let gpu = Node(
            name: "g1", state: NodeState(base: .mixed), cpusAllocated: 8, cpusTotal: 32, memoryMB: 1000,
            gres: [Gres(name: "gpu", type: "a100", count: 4)], gpusUsed: 1, partitions: ["gpu"])
        let drained = Node(
            name: "c2", state: NodeState(base: .idle, flags: [.drain]), cpusTotal: 8, memoryMB: 1000,
            partitions: ["cpu"], reason: NodeReason(text: "bad DIMM", user: "root", time: 1_800_000_000))
        let snapshot = ClusterSnapshot(
            takenAt: 1_800_000_600, nodes: [gpu, drained],
            partitions: [
                Partition(name: "cpu", isDefault: true, nodeList: "c2"), Partition(name: "gpu", nodeList: "g1"),
            ],
            jobs: [
                Job(
                    displayID: "7", jobID: 7, name: "x", user: "u", partition: "cpu", state: .pending,
                    reason: JobReason(parsing: "Resources"))
            ])
        return StatusReport(
            cluster: "lab", now: 1_800_003_600, timeZone: utc, slurmVersion: "slurm 23.11.4",
            snapshotTime: snapshotTime, latestPoll: latest, failuresSinceSuccess: failures,
            facts: ClusterFacts(snapshot, cluster: "lab"))
    }

    @Test("a fresh snapshot: table, out-of-service nodes with who and when, free GPUs, pending reasons")
    func fresh() {
        let text = report(snapshotTime: 1_800_003_500, latest: .init(time: 1_800_003_500, ok: true)).render()
        #expect(text.hasPrefix("Cluster lab, as of 2027-01-15 08:58 "))
        #expect(text.contains("(1 min ago), slurm 23.11.4"))
        #expect(!text.contains("WARNING"))
        #expect(text.contains("cpu*"))
        #expect(text.contains("c2  IDLE+DRAIN: bad DIMM (by root since Fri 08:00)"))
        #expect(text.contains("GPUs: 3 of 4 A100 free; g1 has 3 free"))
        #expect(text.contains("1 job waiting:\n  1  waiting for free resources"))
    }

    @Test("stale data and failed polls are flagged with the reason")
    func stale() {
        let text = report(
            snapshotTime: 1_800_000_600,
            latest: .init(time: 1_800_003_500, ok: false, error: "the nodes command failed with status 1"), failures: 3
        ).render()
        #expect(text.contains("WARNING: data is stale (older than 15 min)."))
        #expect(
            text.contains(
                "WARNING: the last 3 poll(s) failed; latest 1 min ago: the nodes command failed with status 1"))
    }

    @Test("no successful poll yet")
    func nothingYet() {
        let text = report(snapshotTime: nil, latest: .init(time: 1_800_003_000, ok: false, error: "boom")).render()
        #expect(text == "Cluster lab: no successful poll yet.\nLast attempt 10 min ago failed: boom\n")
    }
}
