import DiscordModels
import SlurmKit
import Testing

@testable import Alerts

@Suite("verdicts and alert messages: what a job's end means, in one sentence, within Discord's limits")
struct VerdictTests {
    static func job(
        _ state: JobState, limit: Int = 3600, memory: Int? = 4096, perCPU: Bool = false, cpus: Int = 1,
        nodes: String = "n1", name: String = "train"
    ) -> Job {
        Job(
            displayID: "42", jobID: 42, name: name, user: "alice", partition: "gpu", state: state,
            timeLimit: .seconds(limit), nodeCount: 1, cpus: cpus, memoryMB: memory, memoryPerCPU: perCPU,
            nodeList: nodes, startTime: 1000, endTime: 1000)
    }

    static func end(
        _ state: JobState?, after seconds: Int64, exit: Int? = 0, signal: Int? = nil, peak: Int? = nil,
        job: Job? = nil
    ) -> JobEnd {
        JobEnd(
            job: job ?? Self.job(state ?? .completed), state: state, exitCode: exit, signal: signal,
            endedAt: 1000 + seconds, peakMemoryMB: peak)
    }

    @Test(
        "one rule per way of ending, each naming its figures",
        arguments: [
            (
                end(.outOfMemory, after: 30, peak: 5000),
                "Ran out of memory: it asked for 4 GB; the most Slurm saw it use was 4.9 GB. Ask for more with --mem, or use less."
            ),
            (
                end(.outOfMemory, after: 30, job: job(.outOfMemory, memory: 100, perCPU: true)),
                "Ran out of memory: it asked for 100 MB per CPU. Ask for more with --mem, or use less."
            ),
            (
                end(.timeout, after: 3630),
                "Hit its time limit of 1 h (ran 1 h). Ask for more with --time, or save progress as it goes."
            ),
            (
                end(.failed, after: 3, exit: 3),
                "Failed after 3 s with exit code 3: most likely an error in the script or its environment. Check the job's output file."
            ),
            (end(.failed, after: 600, exit: 2), "Exited with code 2."),
            (
                end(.failed, after: 600, exit: 0, signal: 9),
                "Killed (signal 9): often the memory limit (it asked for 4 GB)."
            ),
            (
                end(.nodeFail, after: 10),
                "Its node n1 failed; nothing in the job caused it. Submit it again (or use --requeue)."
            ),
            (end(.preempted, after: 10), "Preempted by a job with higher priority."),
            (end(nil, after: 10), "It left the queue between two polls and accounting did not say how it ended."),
            (
                end(.completed, after: 120),
                "Used 2 min of its 1 h limit: a limit closer to that would let the scheduler start it sooner."
            ),
            (
                end(.completed, after: 3000, peak: 700),
                "Used at most 700 MB of the 4 GB per node it asked for: asking for less would let it start sooner."
            ),
        ])
    func verdicts(end: JobEnd, expected: String) {
        #expect(Verdict.of(end) == expected)
    }

    @Test("no verdict when nothing stands out")
    func quiet() {
        #expect(Verdict.of(Self.end(.completed, after: 3000, peak: 3000)) == nil)
        #expect(Verdict.of(Self.end(.cancelled, after: 30)) == nil)
        #expect(Verdict.of(Self.end(.completed, after: 3000, job: Self.job(.completed, memory: nil))) == nil)
    }

    @Test("hostile job names stay inside their code span and ping nobody but the watcher")
    func hostileNames() throws {
        let name = "x` @everyone <@1> \n**bold**" + String(repeating: "é", count: 500)
        let message = JobEndMessage.single(
            Self.end(.failed, after: 5, exit: 1, job: Self.job(.failed, name: name)), cluster: "c", mention: "99",
            ownedByRecipient: true)
        let content = try #require(message.content)
        #expect(content.hasPrefix("<@99> your job `x  @everyone <@1>  **bold**"))
        #expect(content.filter { $0 == "`" }.count == 4, "two code spans, no stray backtick")
        #expect(message.allowedMentions == AllowedMentions(parse: [], users: ["99"]))
        #expect(MessageLimits.violations(message).isEmpty, "\(MessageLimits.violations(message))")
        #expect((message.embeds?.first?.title?.count ?? 0) <= 256)
    }

    @Test("\"your job\" only to the job's owner; a watcher of someone else's job reads whose it is")
    func whose() throws {
        let end = Self.end(.completed, after: 5, exit: 0, job: Self.job(.completed, name: "train"))
        let watcher = JobEndMessage.single(end, cluster: "c", mention: nil)
        #expect(watcher.content?.hasPrefix("alice's job `train`") == true, "\(watcher.content ?? "")")
        #expect(watcher.content?.lowercased().contains("your") == false)
        let owner = JobEndMessage.single(end, cluster: "c", mention: "7", ownedByRecipient: true)
        #expect(owner.content?.hasPrefix("<@7> your job `train`") == true, "\(owner.content ?? "")")
        let pinged = JobEndMessage.single(end, cluster: "c", mention: "7")
        #expect(pinged.content?.hasPrefix("<@7> alice's job `train`") == true, "\(pinged.content ?? "")")
    }

    @Test("an array of 1,000 tasks with 300 failures is one message within the limits, listing the first failures")
    func bigArray() {
        let ends = (1...1000).map { task in
            var job = Self.job(task % 10 < 3 ? .failed : .completed, name: "sweep")
            job.displayID = "500_\(task)"
            job.jobID = 500 + task
            job.arrayJobID = 500
            return JobEnd(job: job, state: job.state, exitCode: task % 10 < 3 ? 1 : 0, endedAt: 1100)
        }
        let message = JobEndMessage.array(ends, arrayJobID: 500, cluster: "c", mention: nil, ownedByRecipient: true)
        #expect(
            message.content
                == "Your array `sweep` (`500`, 1000 tasks) ended: 700 completed successfully, 300 failed (non-zero exit)."
        )
        let failing = message.embeds?.first?.fields?.first { $0.name == "Tasks that did not complete" }?.value ?? ""
        #expect(failing.hasPrefix("`500_1` `FAILED` (exit 1)") && failing.hasSuffix("… and 290 more"), "\(failing)")
        #expect(MessageLimits.violations(message).isEmpty)
    }

    @Test("embed timestamps are ISO 8601 in UTC")
    func timestamps() {
        #expect(ISO8601.string(0) == "1970-01-01T00:00:00Z")
        #expect(ISO8601.string(1_795_549_310) == "2026-11-24T19:41:50Z")
        #expect(ISO8601.string(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(ISO8601.string(-1) == "1969-12-31T23:59:59Z")
    }
}
