import ClusterFacts
import FixtureSupport
import SlurmKit
import Testing

/// Issue 16's defects 3 and 6, on real output: every GPU type of a node counted, and a pending array remainder
/// counted as the tasks it stands for.
@Suite("GPUs per type and array tasks, from real output")
struct GPUTypeAndArrayTests {
    static let utc = SlurmClock(utcOffset: 0)

    static func node(_ line: String) throws -> Node {
        try #require(NodeParser.parse(line: Substring(line), clock: utc))
    }

    @Test("gpu:1080:7,gpu:block:1 (Slurm 23.11.4, SckyzO/slurm_exporter#198) is 7 1080 and 1 BLOCK, not 8 of the first")
    func twoTypesOnOneNode() throws {
        let nodes = NodeParser.parse(try Fixtures.text("versions/sckyzo198-23.11.4/nodes.txt"), clock: Self.utc)
        let gpu02 = try #require(nodes.first { $0.name == "gpu02" })
        #expect(gpu02.gpusTotal == 8)
        #expect(
            ClusterFacts.GPUSummary.byType(gpu02)
                == ["1080": .init(free: 7, total: 7), "block": .init(free: 1, total: 1)])
        // The node is DOWN+NOT_RESPONDING: nothing of it is free for a job, both types still counted.
        let snapshot = ClusterSnapshot(takenAt: 0, nodes: nodes, partitions: [], jobs: [])
        let gpus = try #require(ClusterFacts(snapshot, cluster: "c").gpus[PartitionUsage.allPartitions])
        #expect(gpus.byType == ["1080": .init(free: 0, total: 7), "block": .init(free: 0, total: 1)])
        #expect(ClusterFacts.GPUSummary.label("gpu") == "GPUs" && ClusterFacts.GPUSummary.label("1080") == "1080")
    }

    @Test("in use per type from GresUsed; without it, counted against the types in order; MIG slices are types")
    func inUsePerType() throws {
        let typed = try Self.node(
            "NodeName=g1 CPUAlloc=2 CPUEfctv=8 CPUTot=8 Gres=gpu:1080ti:1,gpu:980gtx:1 "
                + "GresUsed=gpu:1080ti:1(IDX:0),gpu:980gtx:0(IDX:N/A) RealMemory=1000 AllocMem=0 State=MIXED "
                + "Partitions=p")
        #expect(
            ClusterFacts.GPUSummary.byType(typed)
                == ["1080ti": .init(free: 0, total: 1), "980gtx": .init(free: 1, total: 1)])
        let mig = try Self.node(
            "NodeName=m1 CPUAlloc=0 CPUEfctv=64 CPUTot=64 Gres=gpu:nvidia_a100_80gb_pcie_1g.10gb:21 "
                + "RealMemory=1000 AllocMem=0 State=IDLE Partitions=p")
        #expect(ClusterFacts.GPUSummary.byType(mig) == ["nvidia_a100_80gb_pcie_1g.10gb": .init(free: 21, total: 21)])
        var untypedUse = typed
        untypedUse.gresUsed = nil
        untypedUse.gpusUsed = 1
        #expect(
            ClusterFacts.GPUSummary.byType(untypedUse)
                == ["1080ti": .init(free: 0, total: 1), "980gtx": .init(free: 1, total: 1)])
    }

    @Test("array index expressions: ranges, lists, steps and the % throttle")
    func arrayExpressions() {
        for (text, count) in [
            ("[9201-10000%500]", 800), ("5-10%2", 6), ("[1,3,5-7]", 5), ("0-20:2", 11), ("0-9%2", 10), ("7", 1),
        ] {
            #expect(ArrayTasks.count(text) == count, "\(text)")
        }
        // The last two found by scripts/fuzz slurm (an index past the end, then an overflow).
        for bad in ["", "a-b", "5-3", "1-4:0", "[]", "1,335,1,-,0-7", "0-9000000000000000000,0-9000000000000000000"] {
            #expect(ArrayTasks.count(bad) == nil, "\(bad)")
        }
    }

    @Test("the lab's 12_[3-6%2] (Slurm 22.05) is four waiting jobs, throttled to two, in the facts")
    func pendingRemainderCounts() throws {
        let jobs = JobParser.parse(try Fixtures.text("lab-22.05/jobs.txt"), clock: Self.utc).jobs
        let remainder = try #require(jobs.first { $0.displayID == "12_[3-6%2]" })
        #expect(remainder.taskCount == 4 && remainder.arrayThrottle == 2)
        let lines = jobs.filter { $0.state.isPending }
        let tasks = lines.map(\.taskCount).reduce(0, +)
        let facts = ClusterFacts(ClusterSnapshot(takenAt: 0, nodes: [], partitions: [], jobs: jobs), cluster: "c")
        #expect(facts.jobs(nil).waiting == tasks && tasks == lines.count + 3)
        #expect(facts.waitingByReason[PartitionUsage.allPartitions]?["JobArrayTaskLimit"] ?? 0 >= 4)
    }

    @Test("nodes powering up or powered down while not responding are not out of service (20.11 and 21.08+)")
    func powerSavingIsNotOutOfService() throws {
        let nodes = NodeParser.parse(try Fixtures.text("versions/states-20.11-21.08/nodes.txt"), clock: Self.utc)
        let out = ClusterFacts.outOfService(nodes).map(\.name)
        #expect(out.contains("s20-a") && out.contains("s21-a") && out.contains("s21-b"), "\(out)")
        #expect(!out.contains("s20-b") && !out.contains("s21-c") && !out.contains("s20-d"), "\(out)")
    }
}
