import FixtureSupport
import Testing

@testable import SlurmKit

@Suite("sacct with steps: one record per job, with the peak memory of its steps")
struct AccountingParserTests {
    @Test("the lab's accounting: states, exit codes, and MaxRSS from the batch steps")
    func labSteps() throws {
        let records = AccountingParser.parse(
            try Fixtures.text("accounting/lab-22.05-steps.txt"), clock: SlurmClock(utcOffset: 0))
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.jobID, $0) })
        #expect(records.count == 10, "one per job, steps folded in: \(records.map(\.jobID))")
        #expect(byID[26]?.state == .completed && byID[26]?.peakMemoryMB == 620_944 / 1024)
        #expect(byID[9]?.state == .outOfMemory && byID[9]?.signal == 125 && byID[9]?.peakMemoryMB == 3)
        #expect(byID[8]?.exitCode == 3 && byID[8]?.state == .failed)
        #expect(byID[10]?.state == .cancelled, "'CANCELLED by 0' is CANCELLED")
        #expect(byID[11]?.state == .nodeFail && byID[11]?.peakMemoryMB == nil, "a step without MaxRSS")
        #expect(byID[28]?.displayID == "27_1" && byID[28]?.peakMemoryMB == 3)
    }

    @Test("the older six-column output (-X, no MaxRSS) still reads, without peaks")
    func sixColumns() throws {
        let records = AccountingParser.parse(
            try Fixtures.text("lab-22.05/accounting.txt"), clock: SlurmClock(utcOffset: 0))
        #expect(records.count == 8 && records.allSatisfy { $0.peakMemoryMB == nil })
    }
}
