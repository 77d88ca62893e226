import ClusterFacts
import Commands
import MCP
import SlurmKit
import Store

/// Nodes by what an agent is looking for, and one node in full: `/inspect` as data.
enum NodeTools {
    static let list = MCPTool(
        name: "list_nodes", title: "Nodes",
        description:
            "Nodes matching every filter given (state, partition, feature, GPU type, at least so many free CPUs, GPUs "
            + "or GB of memory now), in natural order, with what each could give a new job now.",
        parameters: [
            ToolParameter("state", .choice(NodeCategory.allCases.map(\.rawValue)), "Only nodes in this state."),
            StatusTools.partition,
            ToolParameter("feature", .name, "Only nodes with this feature (constraint), such as a CPU model."),
            ToolParameter("gpu_type", .name, "Only nodes with GPUs of this type, such as a100."),
            ToolParameter("min_free_cpus", .integer(0...100_000), "At least this many CPUs free now."),
            ToolParameter("min_free_gpus", .integer(0...1_000), "At least this many GPUs free now."),
            ToolParameter("min_free_mem_gb", .integer(0...1_000_000), "At least this many GB of memory free now."),
            ToolParameter("limit", .integer(1...1_000), "At most this many nodes (default 100)."),
            StatusTools.cluster,
        ]
    ) { input, context throws(ToolFailure) in
        let partition = input.text("partition")
        let ((nodes, free), scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            let facts = try scope.facts(connection, checking: partition)
            return (try connection.currentNodes(cluster: scope.cluster), facts.freeByNode)
        }
        let state = input.text("state").flatMap(NodeCategory.init(rawValue:))
        let feature = input.text("feature")?.lowercased()
        let gpuType = input.text("gpu_type")?.lowercased()
        let wanted = Capacity.Resources(
            cpus: input.integer("min_free_cpus") ?? 0, memoryMB: (input.integer("min_free_mem_gb") ?? 0) * 1024,
            gpus: input.integer("min_free_gpus") ?? 0)
        let matching = nodes.filter { node in
            (state == nil || node.state.category == state)
                && (partition == nil || node.partitions.contains(partition!))
                && (feature == nil || (node.features + node.activeFeatures).contains { $0.lowercased() == feature })
                && (gpuType == nil || node.gres.contains { $0.isGPU && $0.type?.lowercased() == gpuType })
                && (free[node.name] ?? Capacity.Resources()).covers(wanted)
        }
        let limit = input.integer("limit") ?? 100
        let listed = matching.prefix(limit)
        var summary = "\(matching.count) of \(nodes.count) nodes match"
        if matching.count > listed.count { summary += "; the first \(listed.count) are listed" }
        return ToolAnswer(
            summary: summary + ".",
            fields: [
                "matching": .int(matching.count), "listed": .int(listed.count),
                "nodes": .array(listed.map { Shapes.node($0, free: free[$0.name]) }),
            ], scope: scope)
    }

    static let get = MCPTool(
        name: "get_node", title: "One node",
        description:
            "One node in full: state with every flag, the reason (who set it and when), CPUs, memory and GPUs with "
            + "what is free, features, partitions, and the jobs running on it. The same as /inspect.",
        parameters: [ToolParameter("name", .name, "The node's name, such as gpu01."), StatusTools.cluster],
        required: ["name"], words: "get_node"
    ) { input, context throws(ToolFailure) in
        let name = input.text("name") ?? ""
        let ((node, free, jobs), scope) = try await context.read(cluster: input.text("cluster")) { connection, scope in
            let facts = try scope.facts(connection, checking: nil)
            let nodes = try connection.currentNodes(cluster: scope.cluster)
            guard let node = nodes.first(where: { $0.name == name }) else {
                let close = Suggestions.similar(nodes.map(\.name), to: name)
                throw ToolFailure(
                    message: "No node \(name) in cluster \(scope.cluster)."
                        + (close.isEmpty ? "" : " Close names: " + close.joined(separator: ", ") + "."))
            }
            let running = try connection.jobs(
                cluster: scope.cluster, filter: JobFilter(states: [.running, .suspended], limit: 10_000_000)
            ).filter { $0.job.runs(on: name) }
            return (node, facts.freeByNode[name], running)
        }
        var fields = Shapes.node(node, free: free).objectValue ?? [:]
        fields["last_busy_at"] = scope.moment(node.lastBusy)
        fields["boot_at"] = scope.moment(node.bootTime)
        fields["slurm_version"] = .text(node.slurmVersion) ?? .null
        fields["jobs"] = .array(jobs.map { Shapes.job($0, scope: scope) })
        let freeNow = free ?? Capacity.Resources()
        var summary = "\(node.name) is \(node.state.description.lowercased())"
        if let reason = node.reason?.text { summary += " (\(reason))" }
        summary += "; free now: \(freeNow.cpus) of \(node.cpusTotal) CPUs, \(freeNow.memoryMB / 1024) GB"
        if node.gpusTotal > 0 { summary += ", \(freeNow.gpus) of \(node.gpusTotal) GPUs" }
        return ToolAnswer(
            summary: summary + "; \(jobs.count) job\(jobs.count == 1 ? "" : "s") running.", fields: fields,
            scope: scope)
    }
}

extension ClusterFacts {
    /// What a new job could get on each node that takes new jobs, as `/canrun` counts it.
    var freeByNode: [String: Capacity.Resources] {
        var free: [String: Capacity.Resources] = [:]
        for node in capacity.nodes where node.acceptsNewJobs { free[node.name] = node.free }
        return free
    }
}
