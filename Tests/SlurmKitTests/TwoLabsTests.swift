import FixtureSupport
import Testing

@testable import SlurmKit

/// The same job mix and the same node states, polled on the lab's Slurm 22.05 and on its Slurm 24.11 (Debian 13's
/// packages in a debootstrapped root): both read the same, where the two print differently.
@Suite("Slurm 22.05 and 24.11, the same lab polled on both")
struct TwoLabsTests {
    static let versions = ["22.05", "24.11"]

    func poll(_ name: String) throws -> ClusterSnapshot {
        try SnapshotParser.parse(
            stdout: try Fixtures.text("poll/\(name).txt"), stderr: try Fixtures.text("poll/\(name).stderr"),
            nonce: "real0", fallbackTime: 0)
    }

    func jobMix(_ version: String) throws -> ClusterSnapshot {
        try poll(version == "22.05" ? "lab-22.05-gpus" : "lab-24.11-real")
    }

    @Test("the job mix parses whole, nothing noted", arguments: versions)
    func whole(version: String) throws {
        let snapshot = try jobMix(version)
        #expect(snapshot.notes.isEmpty, "\(snapshot.notes)")
        #expect(snapshot.slurmVersion?.hasPrefix("slurm-wlm \(version).") == true)
        #expect(snapshot.nodes.count == 11 && snapshot.partitions.count == 4 && snapshot.jobs.count == 27)
        #expect(snapshot.nodes.allSatisfy { $0.state.base != .unknown || $0.name == "n7" })
        let accounting = try #require(snapshot.accounting)
        #expect(accounting.contains { $0.jobID == 13 && $0.state == .nodeFail })
        #expect(accounting.contains { $0.jobID == 10 && $0.state == .failed && $0.exitCode == 3 })
    }

    /// `%b` is `N/A` for both `--gpus` jobs on both versions; 22.05 prints the per-node request `gres:gpu:1`, 24.11
    /// `gres/gpu:1`; the per-task request is `gres:gpu:2` on 22.05 and `gres/gpu=2` on 24.11.
    @Test(
        "GPUs asked with --gpus and --gpus-per-task count, whichever way the version spells them", arguments: versions)
    func gpusPerJobAndTask(version: String) throws {
        let snapshot = try jobMix(version)
        func job(_ name: String) throws -> Job { try #require(snapshot.jobs.first { $0.name == name }) }
        #expect(try job("gpus-per-job").gres.isEmpty, "squeue %b says N/A for --gpus")
        #expect(try job("gpus-per-job").gpus == 1)
        #expect(try job("gpus-per-task").gpus == 2)
        #expect(try job("train-resnet").gpus == 1)
        #expect(try job("md-sim").gpus == 0)
        // Both running GPU jobs hold n1's two GPUs, as its GresUsed says.
        let running = snapshot.jobs.filter { $0.state == .running }.reduce(0) { $0 + $1.gpus }
        #expect(running == 2)
        #expect(snapshot.nodes.first { $0.name == "n1" }?.gpusUsed == 2)
    }

    @Test("the throttled array's remainder stands for its 4 tasks, at most 2 at once", arguments: versions)
    func array(version: String) throws {
        let remainder = try #require(try jobMix(version).jobs.first { $0.isPendingArrayRemainder })
        #expect(remainder.displayID.hasSuffix("_[3-6%2]"))
        #expect(remainder.taskCount == 4 && remainder.arrayThrottle == 2)
        #expect(remainder.reason.code == "JobArrayTaskLimit")
    }

    /// `scontrol reboot n2` under jobs, `power down` of idle n11 and of busy n5 (`asap`), with programs that do
    /// nothing: every state reads the same on both versions.
    @Test("reboot requested, powered down, power down asked while busy, not responding", arguments: versions)
    func states(version: String) throws {
        let snapshot = try poll("lab-\(version)-states")
        #expect(snapshot.notes.isEmpty, "\(snapshot.notes)")
        func node(_ name: String) throws -> NodeState {
            try #require(snapshot.nodes.first { $0.name == name }).state
        }
        #expect(try node("n2").has(.rebootRequested) && node("n2").base == .allocated)
        #expect(try node("n11").power == .poweredDown && node("n11").isReadyOnDemand)
        #expect(try node("n5").power == .powerDownRequested && node("n5").has(.drain))
        #expect(try !node("n5").isReadyOnDemand)
        #expect(try node("n7").has(.notResponding) && node("n10").has(.notResponding))
        #expect(try node("n8").has(.maintenance) && node("n9").has(.reserved))
        #expect(try node("n4").base == .idle && node("n4").has(.drain))
    }

    @Test("24.11 prints NO_VAL tasks for a job cancelled before it was scheduled; it counts as one")
    func noValTasks() throws {
        let tres = JobTRESParser.parse("27|4294967294|N/A|gres/gpu=2|cpu=1,mem=100M,node=1,billing=1|")
        #expect(tres[27]?.gpus == 2)
    }

    @Test("typed TRES keys stay apart from the untyped total; a typed request is kept by type")
    func typedKeys() throws {
        let tracked = JobTRESParser.parse(
            "7|2|N/A|N/A|cpu=8,mem=64G,node=1,billing=8,gres/gpu=3,gres/gpu:a100=2,gres/gpu:v100=1|\n"
                + "8|4|N/A|gres/gpu:h100=1|cpu=4,mem=8G,node=1|\n" + "9|1|gres:gpu:a100:2|N/A|N/A|\n"
                + "10|1|N/A|cpu=4|cpu=4,mem=8G,node=1,billing=4|")
        #expect(tracked[7]?.gpus == 3)
        #expect(
            tracked[7]?.gpusByType == [
                Gres(name: "gpu", type: "a100", count: 2), Gres(name: "gpu", type: "v100", count: 1),
            ])
        #expect(tracked[8]?.gpus == 4 && tracked[8]?.gpusByType == [Gres(name: "gpu", type: "h100", count: 4)])
        #expect(tracked[9]?.gpus == 2 && tracked[9]?.gpusByType == [Gres(name: "gpu", type: "a100", count: 2)])
        #expect(tracked[10] == nil, "no GPU named: the per-node request decides")
        var job = Job(displayID: "7", jobID: 7, name: "x", user: "u", partition: "p", state: .running, nodeCount: 1)
        job.tres = tracked[7]
        #expect(job.gpus == 3 && job.gpusByType.count == 2)
        let perNode = Job(
            displayID: "9", jobID: 9, name: "x", user: "u", partition: "p", state: .running, nodeCount: 2,
            gres: [Gres(name: "gpu", type: "a100", count: 2)])
        #expect(perNode.gpus == 4 && perNode.gpusByType == [Gres(name: "gpu", type: "a100", count: 4)])
    }

    @Test("the GRES spellings of 22.05 and 24.11 read the same")
    func gresSpellings() {
        for text in ["gres:gpu:2", "gres/gpu:2", "gres/gpu=2", "gpu:2"] {
            #expect(Gres(parsing: text) == Gres(name: "gpu", count: 2), "\(text)")
        }
        #expect(Gres(parsing: "gres/gpu:a100=2") == Gres(name: "gpu", type: "a100", count: 2))
        // 24.11's tres-per-task carries `mem=…M`; a size past Int once scaled is unreadable, not a crash.
        #expect(Gres.parseList("mem=9999999999999M,gpu=9999999999999G").gpuCount == 1, "unreadable counts, no crash")
        let huge = JobTRESParser.parse("5|4294967293|N/A|gres/gpu=9223372036854775807|N/A|")
        #expect(huge[5]?.gpus == Int.max, "saturated, not overflowed")
        #expect(Gres(parsing: "gpu:tesla:2(IDX:0-1)") == Gres(name: "gpu", type: "tesla", count: 2, detail: "IDX:0-1"))
    }
}
