/// A tool a model may call to read the cluster: its name, what it is for, and a JSON Schema of its arguments.
///
/// Every tool only reads (the same facts and history the slash commands answer from); none can change the cluster
/// or the bot, so a question that talks a model into calling tools cannot widen what it can do.
public struct AnalystTool: Sendable, Hashable {
    public var name: String
    public var description: String
    /// An OpenAPI-style object schema (the subset both Gemini and OpenAI accept).
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: [String: JSONValue], required: [String] = []) {
        self.name = name
        self.description = description
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(parameters)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        self.parameters = .object(schema)
    }

    static func string(_ description: String) -> JSONValue {
        .object(["type": .string("string"), "description": .string(description)])
    }

    static func integer(_ description: String) -> JSONValue {
        .object(["type": .string("integer"), "description": .string(description)])
    }

    /// The tools of `/ask`, each answered by the slash command of the same knowledge.
    public static let all: [AnalystTool] = [
        AnalystTool(
            name: "cluster_status",
            description: "Nodes, CPUs, GPUs, free capacity and waiting jobs, for the cluster or one partition",
            parameters: ["partition": string("Partition name; omit for the whole cluster")]),
        AnalystTool(
            name: "get_node", description: "One node in detail: state, reason, jobs, free CPUs, memory and GPUs",
            parameters: ["name": string("Node name")], required: ["name"]),
        AnalystTool(
            name: "explain_job",
            description: "A job's state; for a pending job why it waits, what it asked for and what is ahead",
            parameters: ["job_id": string("Job id such as 12345 or 12345_7")], required: ["job_id"]),
        AnalystTool(
            name: "find_resources",
            description: "Which nodes could start a job of this size now, or when the first fit is expected",
            parameters: [
                "cpus": integer("CPUs in all"), "mem": string("Memory per node, such as 64G"),
                "gpus": integer("GPUs per node"), "nodes": integer("Nodes"),
                "time": string("Time limit, such as 4:00:00"), "partition": string("Partition name"),
            ]),
        AnalystTool(
            name: "partition_users",
            description: "Who runs and who waits, per user, in a partition or the whole cluster",
            parameters: ["partition": string("Partition name; omit for the whole cluster")]),
        AnalystTool(
            name: "usage_history",
            description: "How busy the cluster or a partition was over the last hours (nodes, CPUs or GPUs)",
            parameters: [
                "hours": integer("How far back, 1 to 720 (default 24)"),
                "metric": string("nodes, cpus or gpus (default cpus)"), "partition": string("Partition name"),
            ]),
    ]
}

/// One call a model (or the built-in analyst) makes: which tool, with which arguments.
public struct ToolCall: Sendable, Hashable {
    /// The model's own id for the call (OpenAI's `tool_calls[].id`), echoed with the result.
    public var id: String
    public var name: String
    public var arguments: JSONValue

    public init(id: String = "", name: String, arguments: JSONValue = .object([:])) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// What a tool answered: the text the slash command would show, and whether it answered at all.
public struct ToolResult: Sendable, Hashable {
    public var text: String
    /// False for an unknown tool, a bad argument or a name that does not exist (the text says which).
    public var ok: Bool

    public init(text: String, ok: Bool = true) {
        self.text = text
        self.ok = ok
    }
}

/// Runs tool calls against one snapshot's facts and the history: implemented over the slash commands, so every
/// answer a model builds on is the one the commands give.
public protocol Toolbox: Sendable {
    func call(_ call: ToolCall) async -> ToolResult
}
