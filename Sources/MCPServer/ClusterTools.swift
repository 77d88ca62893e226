import Analyst
import Commands
import DiscordModels
public import Foundation
public import Logging
public import MCP
public import Store
import Synchronization

/// The tools, resources and prompt, over one database: what `slurmbot mcp` (stdio) and the endpoint's `/mcp`
/// (Streamable HTTP) both serve, so an agent gets the same answers on either.
public struct ClusterTools: Sendable {
    let context: ToolContext
    let timeZone: TimeZone
    /// The name the stdio client gave when it initialized (HTTP requests carry a User-Agent instead).
    let clientName = ClientName()

    /// - Parameter submitter: the path `plan_job` and `submit_job` take; nil (the default) leaves them off.
    public init(
        database: Database, defaultCluster: String, timeZone: TimeZone, logger: Logger,
        submitter: JobSubmitter? = nil,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        context = ToolContext(
            database: database, defaultCluster: defaultCluster, now: now, logger: logger, submitter: submitter)
        self.timeZone = timeZone
    }

    /// What `tools/list` shows: the read tools, and the two that act when submission is on.
    public var tools: [Tool] {
        ToolCatalog.all.filter { !$0.writes || context.submitter != nil }.map(\.definition)
    }

    /// A tool's answer: the words first (the slash command's, or the summary), then the same data as JSON, which
    /// is also the structured result. Refusals are tool errors an agent reads and corrects; an unknown tool is a
    /// protocol error that lists the close names.
    public func call(_ name: String, arguments: [String: Value]?) async throws -> CallTool.Result {
        guard let tool = ToolCatalog.named(name) else {
            let names = tools.map(\.name)
            let close = Suggestions.similar(names, to: String(name.prefix(64)))
            throw MCPError.invalidParams(
                "Unknown tool \(String(name.prefix(64)))."
                    + (close.isEmpty ? "" : " Did you mean " + close.joined(separator: ", ") + "?")
                    + " The tools are " + names.joined(separator: ", ") + ".")
        }
        let answer: ToolAnswer
        let input: ToolInput
        var context = self.context
        context.client =
            Server.currentHandlerContext?.httpContext?.header("User-Agent").map { "HTTP " + $0.prefix(100) }
            ?? clientName.value
        do throws(ToolFailure) {
            guard !tool.writes || context.submitter != nil else { throw ToolFailure(message: SubmitTools.off) }
            input = try ToolInput(arguments, for: tool)
            answer = try await tool.answer(input, context)
        } catch {
            return CallTool.Result(content: [.plain(error.message)], isError: true)
        }
        var structured = answer.fields
        for (key, value) in answer.scope.fields { structured[key] = value }
        structured["summary"] = .string(answer.summary)
        let json = Self.json(.object(structured))
        let words = await words(tool, input: input, scope: answer.scope) ?? answer.summary
        return CallTool.Result(
            content: [.plain(words + "\n\n" + Self.age(answer.scope)), .plain(json)],
            structuredContent: .object(structured))
    }

    /// What the slash command behind the tool says, in the words a person reads on Discord (the analyst's
    /// toolbox renders them), for the same cluster.
    private func words(_ tool: MCPTool, input: ToolInput, scope: SnapshotScope) async -> String? {
        guard let name = tool.words else { return nil }
        var arguments: [String: JSONValue] = [:]
        for (key, value) in input.raw where key != "cluster" {
            switch value {
            case .int(let number): arguments[key] = .number(Double(number))
            case .double(let number): arguments[key] = .number(number)
            case .string(let text): arguments[key] = .string(text)
            default: continue
            }
        }
        let context = CommandContext(
            interaction: Self.interaction, database: context.database, now: context.now(), timeZone: timeZone,
            defaultCluster: scope.cluster, options: ["cluster": .string(scope.cluster)])
        let result = await CommandToolbox(context).call(ToolCall(name: name, arguments: .object(arguments)))
        return result.ok ? result.text : nil
    }

    /// "Data of cluster demo as of 2026-12-03T14:05:00Z (2 min old)."
    static func age(_ scope: SnapshotScope) -> String {
        let fields = scope.fields
        var text = "Data of cluster \(scope.cluster) as of \(fields["data_as_of"]?.stringValue ?? "unknown")"
        if let age = fields["age_seconds"]?.intValue { text += " (\(age / 60) min old)" }
        if fields["stale"]?.boolValue == true { text += "; STALE" }
        if let error = fields["last_poll_error"]?.stringValue { text += "; the last poll failed: \(error)" }
        return text + "."
    }

    static func json(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The interaction the commands behind the tools run in: no guild, no user, nothing they act on.
    static let interaction: Interaction = {
        let body = #"{"id":"0","application_id":"0","type":2,"token":"mcp","data":{"id":"0","name":"status"}}"#
        // A fixed document of Discord's documented shape: it always decodes.
        return try! JSONDecoder().decode(Interaction.self, from: Data(body.utf8))
    }()
}

extension Tool.Content {
    /// Text without annotations.
    static func plain(_ text: String) -> Tool.Content { .text(text: text, annotations: nil, _meta: nil) }
}

/// A name set once, read from any task.
final class ClientName: Sendable {
    private let name = Mutex("unknown client")

    var value: String { name.withLock { $0 } }

    func set(_ value: String) { name.withLock { $0 = value } }
}
