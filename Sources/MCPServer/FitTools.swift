import ClusterFacts
import Commands
import MCP
import SlurmKit
import Store

/// What fits where now and when, and how busy the cluster was: `/canrun` and `/history` as data.
enum FitTools {
    static let find = MCPTool(
        name: "find_resources", title: "Where a job fits",
        description:
            "Where a job of this size could start now (the nodes and partitions), and if nowhere, when the first fit "
            + "is expected from the running jobs' time limits; also whether it could ever fit and partitions whose "
            + "time limit is too short. The same as /canrun.",
        parameters: [
            ToolParameter("cpus", .integer(1...100_000), "CPUs in all (default 1)."),
            ToolParameter("mem", .memory, "Memory per node, such as 64G or 512M."),
            ToolParameter("gpus", .integer(0...1_024), "GPUs per node (default 0)."),
            ToolParameter("nodes", .integer(1...10_000), "Nodes (default 1); cpus are spread over them."),
            ToolParameter("time", .duration, "Time limit, such as 4:00:00, 2-00:00:00 or 90 (minutes)."),
            StatusTools.partition, StatusTools.cluster,
        ], words: "find_resources"
    ) { input, context throws(ToolFailure) in
        var request = ResourceFit.Request()
        request.cpus = input.integer("cpus") ?? 1
        request.memoryMB = input.integer("mem") ?? 0
        request.gpus = input.integer("gpus") ?? 0
        request.nodes = input.integer("nodes") ?? 1
        request.seconds = input.integer("time")
        guard request.nodes <= request.cpus else {
            throw ToolFailure(message: "A job needs at least one CPU per node: give cpus of at least nodes.")
        }
        let partition = input.text("partition")
        let asked = request
        let (answer, scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            ResourceFit.answer(asked, facts: try scope.facts(connection, checking: partition), in: partition)
        }
        let fields: [String: Value] = [
            "request": .fields([
                "cpus": .int(request.cpus), "memory_mb_per_node": .int(request.memoryMB),
                "gpus_per_node": .int(request.gpus), "nodes": .int(request.nodes),
                "time_seconds": .count(request.seconds), "partition": .text(partition),
            ]),
            "starts_now": .bool(answer.startsNow), "nodes_fitting_now": .int(answer.nowCount),
            "fits_now": .array(
                answer.now.map {
                    [
                        "node": .string($0.node), "free": Shapes.resources($0.resources),
                        "partitions": .names($0.partitions),
                    ]
                }),
            "first_fit_expected": answer.later.map {
                ["node": .string($0.node), "at": scope.moment($0.at), "partitions": .names($0.partitions)]
            } ?? .null,
            "could_ever_fit": .bool(!answer.neverFits), "nodes_big_enough": .int(answer.candidates),
            "powered_down_nodes_that_fit": .int(answer.onDemand),
            "largest_node": Shapes.resources(answer.largestNode), "free_in_scope": Shapes.resources(answer.totalFree),
            "time_limit_too_short_in": .names(answer.tooLongFor), "fits_in_other_partitions": .names(answer.elsewhere),
        ]
        let summary: String
        if answer.startsNow {
            summary =
                "It can start now: \(answer.nowCount) node\(answer.nowCount == 1 ? "" : "s") fit, such as "
                + answer.now.prefix(3).map(\.node).joined(separator: ", ") + "."
        } else if answer.onDemand > 0, answer.onDemand + answer.nowCount >= request.nodes {
            summary =
                "It can start once Slurm powers up \(answer.onDemand) powered-down node\(answer.onDemand == 1 ? "" : "s")"
                + " that fit (it does so when the job is submitted)."
        } else if answer.neverFits {
            summary =
                "It cannot fit: only \(answer.candidates) node\(answer.candidates == 1 ? " is" : "s are") big enough "
                + "even when empty, and it asks for \(request.nodes)."
        } else if let later = answer.later {
            summary =
                "Not now; the first fit is expected on \(later.node) at \(scope.moment(later.at).stringValue ?? "")."
        } else {
            summary = "Not now, and no running job's time limit says when room opens."
        }
        return ToolAnswer(summary: summary, fields: fields, scope: scope)
    }

    static let history = MCPTool(
        name: "usage_history", title: "Use over time",
        description:
            "How much of the cluster (or one partition) was in use over the last hours, as at most 48 points of "
            + "used and total, with the average share: nodes busy, CPUs allocated or GPUs in use. The data of /history.",
        parameters: [
            ToolParameter("metric", .choice(["nodes", "cpus", "gpus"]), "What to count (default nodes)."),
            ToolParameter("hours", .integer(1...720), "How far back (default 24)."), StatusTools.partition,
            StatusTools.cluster,
        ], words: "usage_history"
    ) { input, context throws(ToolFailure) in
        let metric = input.text("metric") ?? "nodes"
        let hours = input.integer("hours") ?? 24
        let partition = input.text("partition")
        let bucket = max(300, (Int64(hours) * 3600 / 48 + 299) / 300 * 300)
        let (buckets, scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            _ = try scope.partitions(connection, checking: partition)
            let to = (scope.snapshotAt ?? 0) + 60
            return try connection.history(
                cluster: scope.cluster, partition: partition ?? PartitionUsage.allPartitions,
                from: to - Int64(hours) * 3600, to: to, bucket: bucket)
        }
        let use = buckets.map { $0.use(metric) }
        let used = use.map(\.used).reduce(0, +)
        let total = use.map(\.total).reduce(0, +)
        let average = total > 0 ? Int((used / total * 100).rounded()) : nil
        let noun = metric == "nodes" ? "nodes busy" : metric == "cpus" ? "CPUs allocated" : "GPUs in use"
        let points: [Value] = zip(buckets, use).map { bucket, use in
            [
                "start": scope.moment(bucket.start), "used": .double((use.used * 10).rounded() / 10),
                "total": .double((use.total * 10).rounded() / 10),
            ]
        }
        return ToolAnswer(
            summary: average.map { "Over the last \(hours) h, on average \($0) % of \(noun)." }
                ?? "No samples in the last \(hours) h: the poller was not running.",
            fields: [
                "metric": .string(metric), "hours": .int(hours), "bucket_seconds": .int(Int(bucket)),
                "partition": .text(partition) ?? .null, "average_percent": .count(average) ?? .null,
                "points": .array(points),
            ], scope: scope)
    }
}
