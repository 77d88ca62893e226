import FixtureSupport
import Testing

@testable import SlurmKit

@Suite("squeue -h -t all in slurmbot's format")
struct JobParserTests {
    let utc = SlurmClock(utcOffset: 0)

    @Test("the format keeps the name last")
    func format() {
        #expect(JobParser.format.hasSuffix("|%j"))
        #expect(JobParser.format.split(separator: "|").count == JobParser.fields.count)
    }

    @Test("real Slurm 22.05 lab: every job, arrays, GPUs, times, reasons")
    func lab() throws {
        let result = JobParser.parse(try Fixtures.text("lab-22.05/jobs.txt"), clock: utc)
        #expect(result.malformedLines == 0)
        #expect(result.jobs.count == 25)
        let jobs = Dictionary(uniqueKeysWithValues: result.jobs.map { ($0.displayID, $0) })
        let remainder = try #require(jobs["12_[3-6%2]"])
        #expect(remainder.jobID == 12 && remainder.arrayJobID == 12 && remainder.arrayTask == "3-6%2")
        #expect(remainder.isPendingArrayRemainder)
        #expect(remainder.reason.code == "JobArrayTaskLimit")
        let task = try #require(jobs["12_1"])
        #expect(task.jobID == 14 && task.arrayJobID == 12 && task.arrayTask == "1" && !task.isPendingArrayRemainder)
        let gpu = try #require(jobs["4"])
        #expect(gpu.name == "train-resnet" && gpu.gpus == 1 && gpu.partition == "gpu")
        #expect(gpu.elapsed == .seconds(89) && gpu.timeLimit == .seconds(86_400))
        #expect(gpu.startTime == utc.seconds("2026-11-24T19:40:19"))
        #expect(gpu.memoryMB == 2000)
        let timeout = try #require(jobs["5"])
        #expect(timeout.state == .timeout && timeout.timeLeft == .unknown("INVALID"))
        #expect(timeout.reason.plainWords == "hit its time limit")
        let mpi = try #require(jobs["3"])
        #expect(mpi.nodeList == "n[3,5]" && mpi.nodeCount == 2)
        let pendingOnNode = try #require(jobs["23"])
        #expect(pendingOnNode.reason.code == "ReqNodeNotAvail")
        #expect(pendingOnNode.reason.detail == "UnavailableNodes:n4")
        #expect(pendingOnNode.nodeList == nil && pendingOnNode.startTime == nil)
        #expect(jobs["18"]?.dependency == "afterok:1(unfulfilled)")
        #expect(jobs["18"]?.reason.plainWords == "dependency not met yet")
        #expect(jobs["13"]?.state == .suspended && jobs["13"]?.state.holdsResources == true)
        #expect(jobs["9"]?.state == .outOfMemory && jobs["9"]?.state.isFinal == true)
        let states = Set(result.jobs.map(\.state))
        #expect(
            states == [
                .pending, .running, .suspended, .completed, .cancelled, .failed, .timeout, .nodeFail, .outOfMemory,
            ])
    }

    @Test("odd names, het jobs, rare and unknown states, malformed lines")
    func odd() throws {
        let result = JobParser.parse(try Fixtures.text("jobs/odd.txt"), clock: utc)
        #expect(result.malformedLines == 2)
        let jobs = Dictionary(uniqueKeysWithValues: result.jobs.map { ($0.displayID, $0) })
        #expect(jobs["601"]?.name == "train|eval|v2")
        #expect(jobs["601"]?.memoryMB == 1_572_864)
        #expect(jobs["601"]?.timeLimit == .unlimited)
        #expect(jobs["602"]?.name == "análise final ✓")
        #expect(jobs["602"]?.dependency == "afterok:601?afterany:600")
        #expect(jobs["603"]?.name == "" && jobs["603"]?.reservation == "maint_feb")
        #expect(jobs["603"]?.reason.detail == "UnavailableNodes:gpu[01-02],cpu-a3")
        let het = try #require(jobs["500+1"])
        #expect(het.hetJobID == 500 && het.hetOffset == 1 && het.jobID == 501)
        #expect(het.gres == [Gres(name: "gpu", count: 2)] && het.gpus == 2)
        #expect(jobs["123_4"]?.gres == [Gres(name: "gpu", type: "a100", count: 1)])
        #expect(jobs["604"]?.state == .preempted && jobs["605"]?.state == .bootFail && jobs["606"]?.state == .deadline)
        #expect(jobs["607"]?.state.isPending == true)
        #expect(jobs["607"]?.reason.code == "launch failed requeued held")
        #expect(jobs["608"]?.state.isFinal == true)
        let future = try #require(jobs["609"])
        #expect(future.state.rawValue == "FUTURE_STATE" && future.state.plainWords == "future state")
        #expect(future.reason.plainWords == "SomeNewReason")
        #expect(future.timeLimit == .unknown("NOT_SET"))
        #expect(jobs["611"]?.partition == "gpu,batch")
    }
}
