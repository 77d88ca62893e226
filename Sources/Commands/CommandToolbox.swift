public import Analyst
import DiscordModels
import Foundation

/// The analyst's tools, each answered by the slash command that knows the same thing (`cluster_status` by
/// `/status`, `find_resources` by `/canrun`…), with the arguments checked as the command checks its options: so
/// a model, the built-in analyst and a person typing the command read the same numbers, and a hostile argument
/// meets the same refusals. Tools run without the node probe: nothing a model asks reaches the cluster.
public struct CommandToolbox: Toolbox {
    let context: CommandContext

    public init(_ context: CommandContext) {
        var context = context
        context.nodeProbe = nil
        self.context = context
    }

    /// Tool → (command, the tool's argument for each of the command's options).
    static let routes: [String: (command: any SlashCommand, options: [String: String])] = [
        "cluster_status": (StatusCommand(), ["partition": "partition"]),
        "get_node": (InspectCommand(), ["name": "node"]),
        "explain_job": (WhyCommand(), ["job_id": "job"]),
        "find_resources": (
            CanRunCommand(),
            ["cpus": "cpus", "mem": "mem", "gpus": "gpus", "nodes": "nodes", "time": "time", "partition": "partition"]
        ),
        "partition_users": (QueueCommand(), ["partition": "partition"]),
        "usage_history": (HistoryCommand(), ["hours": "hours", "metric": "metric", "partition": "partition"]),
    ]

    public func call(_ call: ToolCall) async -> ToolResult {
        guard let route = Self.routes[call.name] else {
            return ToolResult(
                text: "No tool \(call.name); the tools are " + Self.routes.keys.sorted().joined(separator: ", ") + ".",
                ok: false)
        }
        var options: [String: OptionValue] = [:]
        if let cluster = context.string("cluster") { options["cluster"] = .string(cluster) }
        let arguments = call.arguments.object ?? [:]
        let schema = AnalystTool.all.first { $0.name == call.name }?.parameters["properties"]
        for (argument, value) in arguments {
            guard let option = route.options[argument] else {
                return ToolResult(text: "\(call.name) takes no argument \(argument).", ok: false)
            }
            if schema?[argument]?["type"]?.string == "integer", value != .null, value.int == nil {
                return ToolResult(text: "\(call.name): \(argument) must be a whole number.", ok: false)
            }
            switch value {
            case .number(let number) where number == number.rounded() && abs(number) < 1e9:
                options[option] = .integer(Int64(number))
            case .string(let text) where text.utf8.count <= 64:
                options[option] = Int64(text).map(OptionValue.integer) ?? .string(text)
            case .null:
                continue
            default:
                return ToolResult(
                    text: "\(call.name): \(argument) must be a short string or a whole number.", ok: false)
            }
        }
        var command = context
        command.options = options
        let reply = await route.command.run(command)
        var text = ReplyText.render(reply.message, now: context.now, timeZone: context.timeZone)
        if let buttons = text.range(of: "\n[", options: .backwards), !text[buttons.upperBound...].contains("\n■") {
            text = String(text[..<buttons.lowerBound])
        }
        // The footer's age is the analyst's to tell once; a title reads as bold words inside an answer.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("— ") }
            .map { $0.hasPrefix("■ ") ? "**" + $0.dropFirst(2) + "**" : String($0) }
        return ToolResult(
            text: lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines), ok: !reply.ephemeral)
    }
}
