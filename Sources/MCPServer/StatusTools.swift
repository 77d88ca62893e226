import ClusterFacts
import Commands
import MCP
import Reports
import SlurmKit

/// The cluster (or one partition) at a glance, and the partitions side by side: `/status` as data.
enum StatusTools {
    static let cluster = ToolParameter("cluster", .name, "The cluster; default: the only one, or the configured one.")
    static let partition = ToolParameter("partition", .name, "Only this partition.")

    static let status = MCPTool(
        name: "cluster_status", title: "Cluster status",
        description:
            "How busy the cluster (or one partition) is now: nodes by state, CPUs and GPUs in use and free, what a new "
            + "job could get at once (the largest free block on one node), GPUs by type, what waits and why, nodes "
            + "out of service. The same numbers as the /status command.",
        parameters: [partition, cluster], words: "cluster_status"
    ) { input, context throws(ToolFailure) in
        let partition = input.text("partition")
        let (facts, scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            try scope.facts(connection, checking: partition)
        }
        let key = partition ?? PartitionUsage.allPartitions
        let byScope = facts.capacity.freeByScope()
        let usage = facts.usage(partition) ?? PartitionUsage(partition: key)
        let free = byScope[key] ?? FreeCapacity()
        let jobs = facts.jobs(partition)
        let onDemand = facts.capacity.readyOnDemand(in: partition)
        var byState: [String: Value] = [:]
        for (category, count) in usage.nodesByCategory where count > 0 { byState[category.rawValue] = .int(count) }
        var gpuTypes: [String: Value] = [:]
        for (type, count) in facts.gpus[key]?.byType ?? [:] {
            gpuTypes[type] = ["free": .int(count.free), "total": .int(count.total)]
        }
        let out = facts.outOfService.filter { partition == nil || $0.partitions.contains(partition!) }
        let fields: [String: Value] = [
            "partition": partition.map(Value.string) ?? .null,
            "nodes": ["total": .int(usage.nodesTotal), "by_state": .object(byState)],
            "cpus": ["allocated": .int(usage.cpusAllocated), "total": .int(usage.cpusTotal)],
            "gpus": ["used": .int(usage.gpusUsed), "total": .int(usage.gpusTotal), "by_type": .object(gpuTypes)],
            "free_now": [
                "nodes_accepting_jobs": .int(free.nodesAccepting), "nodes_idle": .int(free.nodesIdle),
                "total": Shapes.resources(free.free), "largest_block_on_one_node": Shapes.resources(free.largestBlock),
            ],
            "ready_on_demand": [
                "nodes": .int(onDemand.nodes), "size": Shapes.resources(onDemand.size),
            ],
            "jobs": [
                "running": .int(jobs.running), "running_cpus": .int(jobs.runningCPUs),
                "running_gpus": .int(jobs.runningGPUs), "waiting": .int(jobs.waiting),
                "waiting_by_reason": .object((facts.waitingByReason[key] ?? [:]).mapValues(Value.int)),
            ],
            "out_of_service": .object([
                "count": .int(out.count),
                "nodes": .array(
                    out.prefix(20).map {
                        .fields([
                            "name": .string($0.name), "state": .string($0.state), "reason": .text($0.reason?.text),
                        ])
                    }),
            ]),
        ]
        return ToolAnswer(
            summary: StatusSummary.paragraph(facts, partition: partition, free: byScope), fields: fields,
            scope: scope)
    }

    static let partitions = MCPTool(
        name: "list_partitions", title: "Partitions",
        description:
            "Every partition: default or not, up or not, its time limit, nodes, CPUs and GPUs in use, what is free "
            + "now and how many jobs run and wait.",
        parameters: [cluster]
    ) { input, context throws(ToolFailure) in
        let (facts, scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            try scope.facts(connection, checking: nil)
        }
        let byScope = facts.capacity.freeByScope()
        let rows: [Value] = facts.partitions.map { partition in
            let usage = facts.usage(partition.name) ?? PartitionUsage(partition: partition.name)
            let jobs = facts.jobs(partition.name)
            return .fields([
                "name": .string(partition.name), "default": .bool(partition.isDefault), "up": .bool(partition.isUp),
                "max_time_seconds": .count(partition.maxTimeSeconds), "nodes": .int(usage.nodesTotal),
                "cpus": ["allocated": .int(usage.cpusAllocated), "total": .int(usage.cpusTotal)],
                "gpus": ["used": .int(usage.gpusUsed), "total": .int(usage.gpusTotal)],
                "free_now": Shapes.resources((byScope[partition.name] ?? FreeCapacity()).free),
                "jobs_running": .int(jobs.running), "jobs_waiting": .int(jobs.waiting),
            ])
        }
        let names = facts.partitions.map { $0.name + ($0.isDefault ? " (default)" : "") + ($0.isUp ? "" : " (down)") }
        return ToolAnswer(
            summary: "\(facts.partitions.count) partitions: " + names.joined(separator: ", ") + ".",
            fields: ["partitions": .array(rows)], scope: scope)
    }
}
