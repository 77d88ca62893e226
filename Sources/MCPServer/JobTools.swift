import Commands
import MCP
import SlurmKit
import Store

/// Jobs in the queue, one job, why one waits, and how recent ones ended: `/queue`, `/why` and the job-end alerts
/// as data.
enum JobTools {
    static let jobID = ToolParameter("job_id", .jobID, "The job id, such as 12345, 12345_7 (array task) or 12345+1.")
    static let user = ToolParameter("user", .name, "Only this user's jobs.")

    static let list = MCPTool(
        name: "list_jobs", title: "Jobs in the queue",
        description:
            "Jobs in the queue now, newest submissions first, filtered by user, partition and state: resources asked, "
            + "time limit and time left, and for waiting jobs the reason in Slurm's words and ours.",
        parameters: [
            user, StatusTools.partition,
            ToolParameter(
                "state", .choice(["running", "pending", "suspended", "completing"]), "Only jobs in this state."),
            ToolParameter("limit", .integer(1...1_000), "At most this many jobs (default 100)."), StatusTools.cluster,
        ]
    ) { input, context throws(ToolFailure) in
        let limit = input.integer("limit") ?? 100
        let state = input.text("state").map { JobState(rawValue: $0.uppercased()) }
        let filter = JobFilter(
            user: input.text("user"), partition: input.text("partition"), states: state.map { [$0] },
            limit: limit + 1)
        let (records, scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            if let partition = filter.partition { _ = try scope.facts(connection, checking: partition) }
            let records = try connection.jobs(cluster: scope.cluster, filter: filter)
            if let user = filter.user, records.isEmpty, try !connection.hasSeenUser(cluster: scope.cluster, user: user)
            {
                let close = Suggestions.similar(try connection.queuedUsers(cluster: scope.cluster), to: user)
                throw ToolFailure(
                    message: "No user \(user) has jobs in cluster \(scope.cluster)."
                        + (close.isEmpty ? "" : " Close names: " + close.joined(separator: ", ") + "."))
            }
            return records
        }
        let listed = records.prefix(limit)
        let running = listed.filter { $0.job.state == .running }.count
        let waiting = listed.filter { JobState.waiting.contains($0.job.state) }.count
        var summary = "\(listed.count) job\(listed.count == 1 ? "" : "s") (\(running) running, \(waiting) waiting)"
        if records.count > limit { summary += "; more match: raise limit or narrow the filters" }
        return ToolAnswer(
            summary: summary + ".",
            fields: [
                "listed": .int(listed.count), "more": .bool(records.count > limit),
                "jobs": .array(listed.map { Shapes.job($0, scope: scope) }),
            ], scope: scope)
    }

    static let get = MCPTool(
        name: "get_job", title: "One job",
        description:
            "One job, in the queue or ended (from the history and Slurm's accounting): resources, times, state, and "
            + "for an ended job its exit code, peak memory and a verdict on why it ended as it did.",
        parameters: [jobID, StatusTools.cluster], required: ["job_id"]
    ) { input, context throws(ToolFailure) in
        let id = input.text("job_id") ?? ""
        let (record, scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            guard let record = try connection.job(cluster: scope.cluster, id: id) else {
                throw ToolFailure(message: "No job \(id) in the queue or the history of cluster \(scope.cluster).")
            }
            return record
        }
        let job = record.job
        var fields = Shapes.job(record, scope: scope).objectValue ?? [:]
        let summary: String
        if record.goneAt != nil {
            let end = Shapes.end(record, scope: scope).objectValue ?? [:]
            for key in ["exit_code", "signal", "ended_at", "peak_memory_mb", "verdict"] { fields[key] = end[key] }
            summary =
                "Job \(job.displayID) (\(job.name), \(job.user)) ended \(record.finalState?.rawValue ?? "without a known state")."
                + (end["verdict"]?.stringValue.map { " " + $0 } ?? "")
        } else {
            summary =
                "Job \(job.displayID) (\(job.name), \(job.user)) is \(job.state.rawValue.lowercased()) in \(job.partition)."
        }
        return ToolAnswer(summary: summary, fields: fields, scope: scope)
    }

    static let explain = MCPTool(
        name: "explain_pending", title: "Why a job waits",
        description:
            "Why a waiting job has not started: Slurm's reason in plain words, how many jobs are ahead of it in each of "
            + "its partitions, and Slurm's start estimate when it has one. The same as /why.",
        parameters: [jobID, StatusTools.cluster], required: ["job_id"], words: "explain_job"
    ) { input, context throws(ToolFailure) in
        let id = input.text("job_id") ?? ""
        let ((record, ahead), scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            guard let record = try connection.job(cluster: scope.cluster, id: id) else {
                throw ToolFailure(message: "No job \(id) in the queue or the history of cluster \(scope.cluster).")
            }
            let partitions = record.job.partition.split(separator: ",").map(String.init)
            return (record, try connection.waitingAhead(cluster: scope.cluster, of: record.job, in: partitions))
        }
        let job = record.job
        var fields = Shapes.job(record, scope: scope).objectValue ?? [:]
        guard record.goneAt == nil, JobState.waiting.contains(job.state) else {
            let state = record.finalState?.rawValue ?? job.state.rawValue
            return ToolAnswer(
                summary: "Job \(job.displayID) is not waiting: it is \(state.lowercased()).", fields: fields,
                scope: scope)
        }
        fields["waiting_ahead_by_partition"] = .object(ahead.mapValues(Value.int))
        var summary = "Job \(job.displayID) waits: \(JobReason.words(for: job.reason.code))"
        if let detail = job.reason.detail { summary += " (\(detail))" }
        if let start = job.startTime {
            summary += "; Slurm expects it to start at \(scope.moment(start).stringValue ?? "")"
        }
        return ToolAnswer(summary: summary + ".", fields: fields, scope: scope)
    }

    static let ends = MCPTool(
        name: "recent_job_ends", title: "Jobs that ended",
        description:
            "Jobs that left the queue in the last hours, newest first, with how each ended (state, exit code, "
            + "signal, peak memory) and the verdict the job-end alert gives.",
        parameters: [
            ToolParameter("hours", .integer(1...168), "How far back (default 24)."),
            ToolParameter(
                "outcome", .choice(["all", "failed", "completed"]),
                "Only jobs that failed (any end but COMPLETED), or only completed ones (default all)."),
            user, StatusTools.partition,
            ToolParameter("limit", .integer(1...500), "At most this many jobs (default 50)."), StatusTools.cluster,
        ]
    ) { input, context throws(ToolFailure) in
        let hours = input.integer("hours") ?? 24
        let limit = input.integer("limit") ?? 50
        let filter = JobFilter(
            user: input.text("user"), partition: input.text("partition"), listedOnly: false, limit: 10_000_000)
        let outcome = input.text("outcome") ?? "all"
        let (ended, scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            let since = (scope.snapshotAt ?? 0) - Int64(hours) * 3600
            return try connection.jobs(cluster: scope.cluster, filter: filter)
                .filter { ($0.goneAt ?? .min) >= since }
                .filter { outcome == "all" || ($0.finalState == .completed) == (outcome == "completed") }
                .sorted { ($0.endedAt ?? $0.goneAt ?? 0) > ($1.endedAt ?? $1.goneAt ?? 0) }
        }
        let listed = ended.prefix(limit)
        var byState: [String: Int] = [:]
        for record in ended { byState[record.finalState?.rawValue ?? "unknown", default: 0] += 1 }
        let counts = byState.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
        return ToolAnswer(
            summary: "\(ended.count) job\(ended.count == 1 ? "" : "s")"
                + (outcome == "all" ? "" : outcome == "failed" ? " did not complete" : " completed")
                + " in the last \(hours) h"
                + (counts.isEmpty ? "." : ": " + counts.joined(separator: ", ") + "."),
            fields: [
                "hours": .int(hours), "ended": .int(ended.count), "by_state": .object(byState.mapValues(Value.int)),
                "jobs": .array(listed.map { Shapes.end($0, scope: scope) }),
            ], scope: scope)
    }
}
