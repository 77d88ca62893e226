import Testing

@testable import SlurmKit

@Suite("plain words for states and reasons")
struct WordsTests {
    @Test("every job state Slurm documents has words", arguments: Array(JobState.words.keys))
    func stateWords(state: String) {
        #expect(!JobState(rawValue: state).plainWords.isEmpty)
        #expect(JobState(rawValue: state).plainWords != state)
    }

    @Test("short state codes map to long names")
    func shortCodes() {
        #expect(JobState(rawValue: "CD") == .completed)
        #expect(JobState(rawValue: "OOM") == .outOfMemory)
        #expect(JobState(rawValue: "CANCELLED by 1001") == .cancelled)
    }

    @Test("common pending reasons in plain words")
    func reasons() {
        #expect(JobReason(parsing: "Resources").plainWords == "waiting for free resources")
        #expect(JobReason(parsing: "Priority").plainWords == "lower priority than other waiting jobs")
        #expect(JobReason(parsing: "Dependency").plainWords == "dependency not met yet")
        #expect(JobReason(parsing: "QOSMaxJobsPerUserLimit").plainWords == "over a QOS limit (QOSMaxJobsPerUserLimit)")
        #expect(JobReason(parsing: "QOSGrpCpuLimit").plainWords.hasPrefix("your QOS group"))
        #expect(JobReason(parsing: "AssocMaxJobsLimit").plainWords.hasPrefix("over your account's limit"))
        #expect(JobReason(parsing: "AssocGrpGRES").plainWords.hasPrefix("your account's group"))
        #expect(JobReason(parsing: "None").isNone)
    }

    @Test("a code's detail is split off at its comma; a sentence with a comma is kept whole")
    func commas() {
        let coded = JobReason(parsing: "ReqNodeNotAvail, UnavailableNodes:n[4-6]")
        #expect(coded.code == "ReqNodeNotAvail" && coded.detail == "UnavailableNodes:n[4-6]")
        let sentence = "Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions"
        let whole = JobReason(parsing: sentence)
        #expect(whole.code == sentence && whole.detail == nil && whole.plainWords == sentence)
        let held = JobReason(parsing: "launch failed requeued held")
        #expect(held.code == "launch failed requeued held" && held.detail == nil)
        let parenthesised = JobReason(parsing: "BeginTime(2026-12-02T14:00:00)")
        #expect(parenthesised.code == "BeginTime" && parenthesised.detail == "2026-12-02T14:00:00")
    }
}
