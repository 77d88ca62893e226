import DiscordModels
import FixtureSupport
import SlurmKit
import Testing

@testable import Alerts

@Suite("efficiency at job end: what it used of what it asked, and a smaller request only when its own figures show it")
struct EfficiencyTests {
    /// The lab's `oversized` job (Slurm 22.05): 2 CPUs, 1800 MB and 2 hours asked; one CPU busy for 20 s, then
    /// asleep, 606 MB held: sacct's own lines, from `Fixtures/accounting/lab-22.05-efficiency.txt`.
    static func labEnd() throws -> JobEnd {
        let records = AccountingParser.parse(
            try Fixtures.text("accounting/lab-22.05-efficiency.txt"), clock: SlurmClock(utcOffset: 0))
        let record = try #require(records.first)
        let elapsed = try #require(record.elapsed.seconds)
        let end = try #require(record.endTime)
        let job = Job(
            displayID: record.displayID, jobID: record.jobID, name: "oversized", user: "labuser", partition: "batch",
            state: .completed, timeLimit: .seconds(7200), nodeCount: 1, cpus: 2, memoryMB: 1800, nodeList: "n11",
            startTime: end - Int64(elapsed), endTime: end)
        return JobEnd(
            job: job, state: record.state, exitCode: record.exitCode, endedAt: end, peakMemoryMB: record.peakMemoryMB,
            cpuSeconds: record.cpuSeconds)
    }

    @Test("the lab's oversized job: its CPU share, peak memory and time, and the request that would have fitted")
    func labJob() throws {
        let end = try Self.labEnd()
        let cpu = try #require(end.cpuSeconds)
        #expect(cpu >= 19 && cpu <= 22, "about 20 s of one CPU: \(cpu)")
        #expect(end.peakMemoryMB == 606, "MaxRSS 620556K: \(end.peakMemoryMB ?? 0)")
        let efficiency = try #require(Efficiency(end))
        #expect(
            efficiency.line.hasPrefix("CPU 15 % of 2 CPUs · memory 606 MB of 1.8 GB at peak · "), "\(efficiency.line)")
        #expect(efficiency.line.hasSuffix("of a 2 h limit"), "\(efficiency.line)")
        // Memory: a third of the request at peak is not far off; CPUs and time are.
        #expect(efficiency.smallerRequest == "-c 1 -t 5:00", "\(efficiency.smallerRequest ?? "none")")
        let message = JobEndMessage.single(end, cluster: "lab", mention: nil, ownedByRecipient: true)
        let field = try #require(message.embeds?.first?.fields?.first { $0.name == "How it used what it asked for" })
        #expect(field.value.contains("It would have fitted in `-c 1 -t 5:00`, half again what it used."))
        #expect(MessageLimits.violations(message, files: []).isEmpty)
    }

    @Test("a job that used what it asked gets the figures and no advice; a job of seconds gets nothing")
    func wellSized() throws {
        let job = Job(
            displayID: "7", jobID: 7, name: "fit", user: "u", partition: "p", state: .completed,
            timeLimit: .seconds(7200), nodeCount: 1, cpus: 8, memoryMB: 16_384, startTime: 0, endTime: 6000)
        let busy = JobEnd(
            job: job, state: .completed, exitCode: 0, endedAt: 6000, peakMemoryMB: 12_000, cpuSeconds: 8 * 5400)
        let efficiency = try #require(Efficiency(busy))
        #expect(efficiency.line == "CPU 90 % of 8 CPUs · memory 12 GB of 16 GB at peak · 1 h 40 min of a 2 h limit")
        #expect(efficiency.smallerRequest == nil)
        var quick = busy
        quick.endedAt = 30
        #expect(Efficiency(quick) == nil, "under a minute says too little")
        var unknown = busy
        unknown.cpuSeconds = nil
        unknown.peakMemoryMB = nil
        #expect(Efficiency(unknown)?.line == "1 h 40 min of a 2 h limit")
    }

    @Test("sacct's TotalCPU spellings: fractions dropped, days and hours read; older output has none")
    func totalCPU() {
        #expect(AccountingParser.cpuTime("00:00.012") == 0)
        #expect(AccountingParser.cpuTime("01:02.500") == 62)
        #expect(AccountingParser.cpuTime("01:02:03") == 3723)
        #expect(AccountingParser.cpuTime("1-00:00:00") == 86_400)
        #expect(AccountingParser.cpuTime("") == nil)
        let old = AccountingParser.parse(
            "5|5|COMPLETED|0:0|00:01:00|2026-11-24T19:40:00|100K", clock: SlurmClock(utcOffset: 0))
        #expect(old.first?.cpuSeconds == nil)
    }
}
