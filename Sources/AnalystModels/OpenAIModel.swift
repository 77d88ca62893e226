public import Analyst

/// Any OpenAI-compatible server (`POST {base}/v1/chat/completions`): OpenAI itself, or a local Ollama, vLLM or
/// llama.cpp server, so a site can keep everything on site. `tools`/`tool_calls` for `/ask`, `response_format`
/// with a JSON schema for summaries; the key, when there is one, as a bearer token.
public struct OpenAIModel: LanguageModel {
    public let backend = "openai"
    public let model: String
    let base: String
    let key: String?
    let transport: ModelTransport

    public init(model: String, base: String, key: String? = nil, transport: ModelTransport = ModelTransport()) {
        self.model = model
        var base = base.hasSuffix("/") ? String(base.dropLast()) : base
        if base.hasSuffix("/v1") { base.removeLast(3) }
        self.base = base
        self.key = key
        self.transport = transport
    }

    public var displayName: String { "\(model) (OpenAI-compatible)" }

    public func generate(
        system: String, turns: [ChatTurn], tools: [AnalystTool], schema: JSONValue?,
        deadline: ContinuousClock.Instant
    ) async throws(ModelError) -> ModelReply {
        let headers = key.map { [(name: "Authorization", value: "Bearer \($0)")] } ?? []
        let json = try await transport.send(
            "\(base)/v1/chat/completions", headers: headers,
            body: body(system: system, turns: turns, tools: tools, schema: schema), deadline: deadline)
        return try Self.reply(json)
    }

    func body(system: String, turns: [ChatTurn], tools: [AnalystTool], schema: JSONValue?) -> JSONValue {
        var messages: [JSONValue] = [.object(["role": .string("system"), "content": .string(system)])]
        for turn in turns {
            switch turn {
            case .user(let text):
                messages.append(.object(["role": .string("user"), "content": .string(text)]))
            case .model(let raw, _):
                messages.append(raw)
            case .toolResults(let outcomes):
                for outcome in outcomes {
                    messages.append(
                        .object([
                            "role": .string("tool"), "tool_call_id": .string(outcome.call.id),
                            "content": .string(outcome.result),
                        ]))
                }
            }
        }
        var body: [String: JSONValue] = [
            "model": .string(model), "messages": .array(messages), "temperature": .number(0.2),
            "max_tokens": .int(2048),
        ]
        if !tools.isEmpty {
            body["tools"] = .array(
                tools.map {
                    .object([
                        "type": .string("function"),
                        "function": .object([
                            "name": .string($0.name), "description": .string($0.description),
                            "parameters": $0.parameters,
                        ]),
                    ])
                })
        }
        if let schema {
            body["response_format"] = .object([
                "type": .string("json_schema"),
                "json_schema": .object(["name": .string("answer"), "schema": schema]),
            ])
        }
        return .object(body)
    }

    static func reply(_ json: JSONValue) throws(ModelError) -> ModelReply {
        guard let choice = json["choices"]?.array?.first, let message = choice["message"] else {
            throw .malformed("no choices")
        }
        let finish = choice["finish_reason"]?.string ?? "stop"
        let calls = (message["tool_calls"]?.array ?? []).compactMap { call -> ToolCall? in
            guard let function = call["function"], let name = function["name"]?.string else { return nil }
            // Arguments come as a JSON string; a model that writes broken JSON gets an empty object, which the
            // tool refuses with a message the model can correct.
            let arguments = function["arguments"]?.string.flatMap(JSONValue.parse) ?? function["arguments"]
            return ToolCall(id: call["id"]?.string ?? name, name: name, arguments: arguments ?? .object([:]))
        }
        let text = message["content"]?.string
        guard ["stop", "tool_calls"].contains(finish) || !calls.isEmpty else { throw .finished(finish) }
        guard !calls.isEmpty || !(text ?? "").isEmpty else { throw .malformed("a message without content or calls") }
        var raw: [String: JSONValue] = ["role": .string("assistant"), "content": text.map(JSONValue.string) ?? .null]
        if let toolCalls = message["tool_calls"] { raw["tool_calls"] = toolCalls }
        let usage = json["usage"]
        return ModelReply(
            text: text, calls: calls, raw: .object(raw), promptTokens: usage?["prompt_tokens"]?.int ?? 0,
            outputTokens: usage?["completion_tokens"]?.int ?? 0)
    }
}
