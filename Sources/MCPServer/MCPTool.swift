import MCP

/// One tool an agent can call: what it is for, its arguments, and how it answers from one snapshot.
///
/// The read tools read the store only; none reaches the cluster, whatever its arguments say (the annotations tell
/// a client so). The two that act (`plan_job`, `submit_job`) exist only where the site turned them on.
struct MCPTool: Sendable {
    var name: String
    var title: String
    var description: String
    var parameters: [ToolParameter]
    var required: Set<String> = []
    /// The analyst's tool (answered by a slash command) that says the same in words, when one does.
    var words: String?
    /// Acts on the cluster (submits or plans a job): listed only when the site turned submission on.
    var writes = false
    var answer: @Sendable (ToolInput, ToolContext) async throws(ToolFailure) -> ToolAnswer

    /// The tool as `tools/list` shows it: a JSON Schema that takes the listed arguments only.
    var definition: Tool {
        var properties: [String: Value] = [:]
        for parameter in parameters { properties[parameter.name] = parameter.schema }
        var schema: [String: Value] = [
            "type": "object", "properties": .object(properties), "additionalProperties": false,
        ]
        if !required.isEmpty { schema["required"] = .array(required.sorted().map(Value.string)) }
        return Tool(
            name: name, title: title, description: description, inputSchema: .object(schema),
            annotations: writes
                ? .init(
                    title: title, readOnlyHint: false, destructiveHint: false, idempotentHint: false,
                    openWorldHint: true)
                : .init(title: title, readOnlyHint: true, idempotentHint: true, openWorldHint: false))
    }
}

/// What a tool found: the one-line summary, the tool's own fields, and the snapshot they come from.
struct ToolAnswer: Sendable {
    var summary: String
    var fields: [String: Value]
    var scope: SnapshotScope
}

/// Why a tool cannot answer, in words an agent can act on (a name that does not exist lists the close ones).
struct ToolFailure: Error, Sendable {
    var message: String
}
