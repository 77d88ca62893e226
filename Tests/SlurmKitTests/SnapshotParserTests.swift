import FixtureSupport
import Testing

@testable import SlurmKit

@Suite("the combined poll output")
struct SnapshotParserTests {
    func parse(_ fixture: String, stderr: String = "") throws(SnapshotParser.Failure) -> ClusterSnapshot {
        let text = (try? Fixtures.text(fixture)) ?? ""
        return try SnapshotParser.parse(stdout: text, stderr: stderr, nonce: "fixture0", fallbackTime: 1)
    }

    @Test("the script marks every section with the nonce and pins the output format")
    func script() {
        let script = PollScript.script(nonce: "abc123")
        #expect(script.contains("m='@@slurmbot:abc123@@'"))
        for section in PollScript.Section.allCases { #expect(script.contains("section \(section.rawValue) ")) }
        #expect(script.contains("SLURM_TIME_FORMAT=standard"))
        #expect(script.contains("squeue -h -t all -o '\(JobParser.format)'"))
        #expect(script.contains("if [ \"$rc\" -ne 0 ]; then printf"))
    }

    @Test("the assembled output of the lab fixtures parses whole")
    func lab() throws {
        let snapshot = try parse("poll/ok-noisy.txt")
        #expect(snapshot.nodes.count == 11 && snapshot.partitions.count == 4 && snapshot.jobs.count == 25)
        #expect(snapshot.takenAt == 1_795_549_310)
        #expect(snapshot.slurmVersion == "slurm-wlm 22.05.8" && snapshot.host == "vm")
        #expect(snapshot.accounting?.count == 8)
        #expect(snapshot.accounting?.first { $0.jobID == 8 }?.exitCode == 3)
        #expect(snapshot.accounting?.first { $0.jobID == 9 }?.signal == 125)
        #expect(snapshot.notes.isEmpty)
        #expect(snapshot.nodes.first { $0.name == "n4" }?.reason?.text == "lab: bad DIMM")
    }

    @Test("the exact output of the poll script on a real Slurm 22.05 cluster (with -d, sacct, stderr markers)")
    func realLab() throws {
        let stdout = try Fixtures.text("poll/lab-22.05-real.txt")
        let stderr = try Fixtures.text("poll/lab-22.05-real.stderr")
        let snapshot = try SnapshotParser.parse(stdout: stdout, stderr: stderr, nonce: "real0", fallbackTime: 0)
        #expect(snapshot.notes.isEmpty)
        #expect(snapshot.nodes.count == 11 && snapshot.partitions.count == 4 && snapshot.jobs.count == 25)
        let n1 = try #require(snapshot.nodes.first { $0.name == "n1" })
        #expect(n1.gresUsed == [Gres(name: "gpu", type: "tesla", count: 1, detail: "IDX:0")])
        #expect(n1.gpusTotal == 2 && n1.gpusUsed == 1)
        #expect(snapshot.nodes.first { $0.name == "n2" }?.gresUsed == [Gres(name: "gpu", count: 0)])
        let accounting = try #require(snapshot.accounting)
        #expect(accounting.count == 8)
        #expect(accounting.first { $0.jobID == 10 }?.state == .cancelled)
        #expect(accounting.first { $0.jobID == 8 }?.exitCode == 3)
        #expect(Set(accounting.map(\.state)) == [.timeout, .completed, .failed, .outOfMemory, .cancelled, .nodeFail])
        #expect(snapshot.jobs.first { $0.displayID == "12_[3-6%2]" }?.reason.code == "JobArrayTaskLimit")
        #expect(snapshot.slurmVersion == "slurm-wlm 22.05.8")
    }

    @Test("slurmctld down, for real: the nodes section fails with Slurm's own message and the script stops there")
    func controllerDown() throws {
        let stdout = try Fixtures.text("poll/lab-22.05-slurmctld-down.txt")
        let stderr = try Fixtures.text("poll/lab-22.05-slurmctld-down.stderr")
        #expect(!stdout.contains("begin partitions"))
        #expect(
            throws: SnapshotParser.Failure.sectionFailed(
                section: "nodes", status: 1,
                stderr: "slurm_load_node error: Unable to contact slurm controller (connect failure)")
        ) {
            try SnapshotParser.parse(stdout: stdout, stderr: stderr, nonce: "down0", fallbackTime: 0)
        }
    }

    @Test("output cut short is a failure, never a partial snapshot")
    func truncated() {
        #expect(throws: SnapshotParser.Failure.truncated(lastSection: "jobs")) { try parse("poll/truncated.txt") }
        #expect(throws: SnapshotParser.Failure.truncated(lastSection: nil)) { try parse("poll/does-not-exist.txt") }
    }

    @Test("a missing section is named")
    func missing() {
        #expect(throws: SnapshotParser.Failure.missingSection("partitions")) {
            try parse("poll/missing-partitions.txt")
        }
    }

    @Test("a failed section quotes stderr, shortened")
    func failed() throws {
        let stderr =
            "slurm_load_node error: Unable to contact slurm controller (connect failure)\n"
            + String(repeating: "x", count: 1000)
        do {
            _ = try parse("poll/failed-nodes.txt", stderr: stderr)
            Issue.record("expected a failure")
        } catch {
            guard case .sectionFailed(let section, let status, let text) = error else {
                Issue.record("wrong failure \(error)")
                return
            }
            #expect(section == "nodes" && status == 1)
            #expect(text.hasPrefix("slurm_load_node error: Unable to contact slurm controller"))
            #expect(text.count <= 301)
            #expect(error.description.contains("the nodes command failed with status 1"))
        }
    }

    @Test("without slurmdbd, for real: ended jobs come from the job completion log (sacct -c), arrays included")
    func jobCompletionLog() throws {
        let snapshot = try SnapshotParser.parse(
            stdout: try Fixtures.text("poll/lab-22.05-jobcomp.txt"),
            stderr: try Fixtures.text("poll/lab-22.05-jobcomp.stderr"), nonce: "nodbd0", fallbackTime: 0)
        #expect(snapshot.notes.isEmpty)
        let accounting = try #require(snapshot.accounting)
        #expect(accounting.count == 9)
        #expect(accounting.first { $0.jobID == 8 }?.exitCode == 3)
        #expect(accounting.first { $0.jobID == 9 }?.state == .outOfMemory)
        #expect(accounting.first { $0.jobID == 26 }?.state == .completed, "an array task, by its raw id")
        #expect(accounting.allSatisfy { $0.peakMemoryMB == nil })
    }

    @Test("without slurmdbd and a completion log the poll's user may not read: a note that says why")
    func jobCompletionLogDenied() throws {
        let snapshot = try SnapshotParser.parse(
            stdout: try Fixtures.text("poll/lab-22.05-jobcomp-denied.txt"),
            stderr: try Fixtures.text("poll/lab-22.05-jobcomp-denied.stderr"), nonce: "nodbd0", fallbackTime: 0)
        #expect(snapshot.accounting == nil)
        #expect(
            snapshot.notes == [
                "accounting unavailable (sacct status 1): Slurm accounting storage is disabled / sacct: fatal: open "
                    + "/var/lib/slurmbot-lab/log/jobcomp.txt: Permission denied"
            ])
        #expect(snapshot.jobs.count == 27, "the lab's 25 and the 2-task array")
    }

    @Test("accounting that is off is a note, not a failure")
    func noAccounting() throws {
        let snapshot = try parse("poll/no-accounting.txt", stderr: "Slurm accounting storage is disabled")
        #expect(snapshot.accounting == nil)
        #expect(snapshot.notes == ["accounting unavailable (sacct status 1)"])
        #expect(snapshot.jobs.count == 25)
    }

    @Test("marker lines with another nonce are content, not boundaries")
    func forged() throws {
        let snapshot = try parse("poll/forged-marker.txt")
        #expect(snapshot.jobs.count == 26)
        #expect(snapshot.notes.contains("2 squeue lines could not be read and were skipped"))
    }

    @Test("an empty nodes section is unreadable, not an empty cluster")
    func emptyNodes() {
        let text = PollScript.assemble(
            nonce: "n1",
            sections: [
                .meta: .init(text: "now=5\n"), .nodes: .init(text: "\n"), .partitions: .init(text: ""),
                .jobs: .init(text: ""),
            ])
        #expect(throws: SnapshotParser.Failure.unreadable(section: "nodes", detail: "no NodeName= records in 0 lines"))
        {
            try SnapshotParser.parse(stdout: text, stderr: "", nonce: "n1", fallbackTime: 1)
        }
    }
}
