import Commands
import Logging
import MCP
import Remote
import SlurmKit

/// `plan_job` (`sbatch --test-only`: when and where it would start) and `submit_job`: the only tools that act,
/// listed and answered only when the site turned them on (`SLURMBOT_MCP_ALLOW_SUBMIT=1`).
enum SubmitTools {
    static let parameters = [
        ToolParameter(
            "script", .script, "The job script, starting with #!, without #SBATCH lines (at most 60,000 bytes)."),
        StatusTools.partition,
        ToolParameter("time", .duration, "Time limit, such as 4:00:00, 2-00:00:00 or 90 (minutes)."),
        ToolParameter("cpus", .integer(1...100_000), "CPUs per task."),
        ToolParameter("mem", .memory, "Memory per node, such as 64G."),
        ToolParameter("gpus", .integer(0...1_024), "GPUs for the job."),
        ToolParameter("nodes", .integer(1...10_000), "Nodes."),
        ToolParameter("job_name", .name, "The job's name."),
        ToolParameter("array", .arraySpec, "A job array, such as 0-99, 1,3,5-7 or 0-999%50."),
        StatusTools.cluster,
    ]

    static let plan = MCPTool(
        name: "plan_job", title: "When a job would start",
        description:
            "Asks Slurm (sbatch --test-only) when and where this job would start, submitting nothing. The script "
            + "goes to sbatch on its standard input; options only from the arguments.",
        parameters: parameters, required: ["script"], writes: true
    ) { input, context throws(ToolFailure) in
        let (submitter, submission, scope) = try await prepare(input, context)
        let command = try command(submission, testOnly: true)
        let output = try await submitter.run(command, script: submission.script)
        guard let plan = SubmissionReply.plan(output.stderr + "\n" + output.stdout) else {
            throw ToolFailure(message: "sbatch --test-only gave no start time: " + String(output.stderr.prefix(300)))
        }
        return ToolAnswer(
            summary: "Slurm would start it at \(plan.startsAt)"
                + (plan.nodes.map { " on \($0)" } ?? "") + (plan.partition.map { " in partition \($0)" } ?? "")
                + "; nothing was submitted.",
            fields: [
                "would_start_at": .string(plan.startsAt), "processors": .count(plan.processors) ?? .null,
                "nodes": .text(plan.nodes) ?? .null, "partition": .text(plan.partition) ?? .null,
                "command": .string(command), "submitted": false,
            ], scope: scope)
    }

    static let submit = MCPTool(
        name: "submit_job", title: "Submit a job",
        description:
            "Submits the job with sbatch, as the cluster account slurmbot polls with, and returns its job id. The "
            + "script goes to sbatch on its standard input; options only from the arguments.",
        parameters: parameters, required: ["script"], writes: true
    ) { input, context throws(ToolFailure) in
        let (submitter, submission, scope) = try await prepare(input, context)
        let command = try command(submission, testOnly: false)
        let output = try await submitter.run(command, script: submission.script)
        guard let id = SubmissionReply.jobID(output.stdout) else {
            throw ToolFailure(message: "sbatch answered without a job id: " + String(output.stdout.prefix(300)))
        }
        context.logger.notice(
            "submitted a job for an MCP client",
            metadata: [
                "job": "\(id)", "cluster": "\(submitter.cluster)", "client": "\(context.client)",
                "command": "\(command)",
            ])
        return ToolAnswer(
            summary: "Submitted job \(id) to cluster \(submitter.cluster); list_jobs shows it after the next poll.",
            fields: ["job_id": .string(id), "command": .string(command), "submitted": true], scope: scope)
    }

    private static func prepare(_ input: ToolInput, _ context: ToolContext) async throws(ToolFailure) -> (
        JobSubmitter, JobSubmission, SnapshotScope
    ) {
        guard let submitter = context.submitter else { throw ToolFailure(message: off) }
        if let cluster = input.text("cluster"), cluster != submitter.cluster {
            throw ToolFailure(message: "Jobs go to cluster \(submitter.cluster) only, the one slurmbot polls.")
        }
        let submission = JobSubmission(
            script: input.text("script") ?? "", partition: input.text("partition"), time: input.integer("time"),
            cpusPerTask: input.integer("cpus"), memoryMB: input.integer("mem"), gpus: input.integer("gpus"),
            nodes: input.integer("nodes"), name: input.text("job_name"), array: input.text("array"))
        let partition = submission.partition
        let (_, scope) = try await context.read(cluster: submitter.cluster) { connection, scope in
            if let partition { _ = try scope.facts(connection, checking: partition) }
        }
        return (submitter, submission, scope)
    }

    private static func command(_ submission: JobSubmission, testOnly: Bool) throws(ToolFailure) -> String {
        do {
            return try submission.command(testOnly: testOnly)
        } catch {
            throw ToolFailure(message: error.description)
        }
    }

    static let off =
        "Job submission is off on this server: the site turns plan_job and submit_job on with "
        + "SLURMBOT_MCP_ALLOW_SUBMIT=1."
}
