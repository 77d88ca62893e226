import MCP

/// The prompt "where should I run this job": the job as given, what fits now (from `find_resources`) and the
/// partitions, with what the agent should check and answer.
enum WhereToRun {
    static let prompt = Prompt(
        name: "where_to_run", title: "Where should I run this job?",
        description: "Advice on the partition and the sbatch line for a job of this size, from the cluster now.",
        arguments: [
            .init(name: "cpus", description: "CPUs in all, such as 16"),
            .init(name: "mem", description: "Memory per node, such as 64G"),
            .init(name: "gpus", description: "GPUs per node, such as 1"),
            .init(name: "time", description: "Time limit, such as 4:00:00"),
            .init(name: "nodes", description: "Nodes, such as 1"),
            .init(name: "partition", description: "A partition to prefer"),
            .init(name: "cluster", description: "The cluster"),
        ])

    static func messages(_ arguments: [String: String], tools: ClusterTools) async throws -> GetPrompt.Result {
        var values: [String: Value] = [:]
        for (name, text) in arguments where !text.isEmpty {
            values[name] = Int(text).map(Value.int) ?? .string(text)
        }
        let fit = try await tools.call("find_resources", arguments: values)
        let partitions = try await tools.call(
            "list_partitions", arguments: values["cluster"].map { ["cluster": $0] } ?? [:])
        let asked = arguments.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let text = """
            I want to run a Slurm job with \(asked.isEmpty ? "default resources (1 CPU)" : asked). Where should I \
            run it, and when would it start?

            What fits now (find_resources):
            \(firstText(fit))

            The partitions (list_partitions):
            \(firstText(partitions))

            Answer with the partition to use, the sbatch line (#SBATCH options) and when it would start. Use only \
            the numbers above or from the slurmbot tools (find_resources, list_partitions, cluster_status, \
            explain_pending), and say how old the data is.
            """
        return GetPrompt.Result(
            description: "Where to run a job of \(asked.isEmpty ? "1 CPU" : asked)",
            messages: [.user(.text(text: text))])
    }

    private static func firstText(_ result: CallTool.Result) -> String {
        for content in result.content {
            if case .text(let text, _, _) = content { return text }
        }
        return ""
    }
}
