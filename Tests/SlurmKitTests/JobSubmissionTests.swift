import SlurmKit
import Testing

@Suite("sbatch command lines from allow-listed options; scripts that would widen them refused")
struct JobSubmissionTests {
    static let script = "#!/bin/bash\necho hello\n"

    @Test("each option in its canonical form, the script kept off the command line")
    func command() throws {
        let job = JobSubmission(
            script: Self.script, partition: "gpu", time: 4 * 3600, cpusPerTask: 8, memoryMB: 65_536, gpus: 2,
            nodes: 1, name: "train.v2", array: "0-99%10")
        #expect(
            try job.command(testOnly: false)
                == "sbatch --parsable --partition=gpu --time=4:00:00 --nodes=1 --cpus-per-task=8 --mem=65536M "
                + "--gpus=2 --job-name=train.v2 --array=0-99%10")
        #expect(try JobSubmission(script: Self.script).command(testOnly: true) == "sbatch --parsable --test-only")
        #expect(
            try JobSubmission(script: Self.script, time: 90 * 60).command(testOnly: false).contains("--time=1:30:00"))
    }

    @Test("refused: #SBATCH lines, no interpreter line, NUL, too long, hostile names and arrays, out of range")
    func refusals() {
        let refused: [(JobSubmission, String)] = [
            (JobSubmission(script: "#!/bin/sh\n#SBATCH --uid=0\nid\n"), "#SBATCH"),
            (JobSubmission(script: "#!/bin/sh\n   # SBATCH --exclusive\n"), "#SBATCH"),
            (JobSubmission(script: "#!/bin/sh\n\t#SBATCH\t-p debug\n"), "#SBATCH"),
            (JobSubmission(script: "echo no shebang\n"), "interpreter line"),
            (JobSubmission(script: "#!/bin/sh\n\u{0}\n"), "NUL"),
            (JobSubmission(script: "#!/bin/sh\n" + String(repeating: "x", count: 60_000)), "longer than"),
            (JobSubmission(script: Self.script, partition: "gpu;id"), "partition"),
            (JobSubmission(script: Self.script, name: "a b"), "job_name"),
            (JobSubmission(script: Self.script, name: "$(reboot)"), "job_name"),
            (JobSubmission(script: Self.script, array: "1-3;id"), "array"),
            (JobSubmission(script: Self.script, array: "1-3%"), "array"),
            (JobSubmission(script: Self.script, array: "5:2"), "array"),
            (JobSubmission(script: Self.script, time: 5), "time"),
            (JobSubmission(script: Self.script, cpusPerTask: 0), "cpus"),
        ]
        for (job, expected) in refused {
            #expect(throws: JobSubmission.Problem.self, "\(job)") { try job.command(testOnly: false) }
            do {
                _ = try job.command(testOnly: false)
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
        for good in ["0-99", "1,3,5-7", "0-999%50", "0-20:2", "7"] {
            #expect(JobSubmission.isArraySpec(good), "\(good)")
        }
    }

    @Test("sbatch's answers: --parsable's id (with a cluster), --test-only's plan as Slurm 22.05 and 24.11 print it")
    func replies() {
        #expect(SubmissionReply.jobID("12345\n") == "12345")
        #expect(SubmissionReply.jobID("12345;cluster\n") == "12345")
        #expect(SubmissionReply.jobID("sbatch: error: Batch job submission failed\n") == nil)
        let plan = SubmissionReply.plan(
            "sbatch: Job 1234 to start at 2026-12-03T16:05:06 using 4 processors on nodes n[1-2] in partition debug\n")
        #expect(
            plan
                == SubmissionReply.Plan(
                    startsAt: "2026-12-03T16:05:06", processors: 4, nodes: "n[1-2]", partition: "debug"))
        #expect(SubmissionReply.plan("sbatch: error: invalid partition specified: nosuch\n") == nil)
    }
}
