public import Analyst

/// Gemini's native REST API: `POST {base}/v1beta/models/{model}:generateContent`, the key in the `x-goog-api-key`
/// header (never in the URL, so no proxy or log ever sees it), `system_instruction`, `tools` with
/// `functionDeclarations`, and JSON mode (`responseMimeType` + `responseSchema`) for summaries.
public struct GeminiModel: LanguageModel {
    public let backend = "gemini"
    public let model: String
    let base: String
    let key: String
    let transport: ModelTransport

    public init(
        model: String = "gemini-2.5-flash", base: String = "https://generativelanguage.googleapis.com",
        key: String, transport: ModelTransport = ModelTransport()
    ) {
        self.model = model
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.key = key
        self.transport = transport
    }

    /// "gemini-2.5-flash" → "Gemini 2.5 Flash".
    public var displayName: String {
        model.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    public func generate(
        system: String, turns: [ChatTurn], tools: [AnalystTool], schema: JSONValue?,
        deadline: ContinuousClock.Instant
    ) async throws(ModelError) -> ModelReply {
        let body = Self.body(system: system, turns: turns, tools: tools, schema: schema)
        let url = "\(base)/v1beta/models/\(model):generateContent"
        let json = try await transport.send(url, headers: [("x-goog-api-key", key)], body: body, deadline: deadline)
        return try Self.reply(json)
    }

    static func body(system: String, turns: [ChatTurn], tools: [AnalystTool], schema: JSONValue?) -> JSONValue {
        var contents: [JSONValue] = []
        for turn in turns {
            switch turn {
            case .user(let text):
                contents.append(
                    .object(["role": .string("user"), "parts": .array([.object(["text": .string(text)])])]))
            case .model(let raw, _):
                contents.append(raw)
            case .toolResults(let outcomes):
                contents.append(
                    .object([
                        "role": .string("user"),
                        "parts": .array(
                            outcomes.map { outcome in
                                .object([
                                    "functionResponse": .object([
                                        "name": .string(outcome.call.name),
                                        "response": .object(["result": .string(outcome.result)]),
                                    ])
                                ])
                            }),
                    ]))
            }
        }
        var config: [String: JSONValue] = ["temperature": .number(0.2), "maxOutputTokens": .int(2048)]
        if let schema {
            config["responseMimeType"] = .string("application/json")
            config["responseSchema"] = schema
        }
        var body: [String: JSONValue] = [
            "system_instruction": .object(["parts": .array([.object(["text": .string(system)])])]),
            "contents": .array(contents),
            "generationConfig": .object(config),
        ]
        if !tools.isEmpty {
            body["tools"] = .array([
                .object([
                    "functionDeclarations": .array(
                        tools.map {
                            .object([
                                "name": .string($0.name), "description": .string($0.description),
                                "parameters": $0.parameters,
                            ])
                        })
                ])
            ])
        }
        return .object(body)
    }

    /// Reads the first candidate: its text parts joined, its function calls, or why there is neither.
    static func reply(_ json: JSONValue) throws(ModelError) -> ModelReply {
        let usage = json["usageMetadata"]
        guard let candidate = json["candidates"]?.array?.first else {
            if let reason = json["promptFeedback"]?["blockReason"]?.string { throw .blocked(reason) }
            throw .malformed("no candidates")
        }
        let finish = candidate["finishReason"]?.string ?? "STOP"
        let content = candidate["content"] ?? .object([:])
        let parts = content["parts"]?.array ?? []
        let calls = parts.enumerated().compactMap { index, part -> ToolCall? in
            guard let call = part["functionCall"], let name = call["name"]?.string else { return nil }
            return ToolCall(id: "call-\(index)", name: name, arguments: call["args"] ?? .object([:]))
        }
        // Thought summaries (`thought: true`) are the model's notes, not its answer.
        let texts = parts.filter { $0["thought"] != .bool(true) }.compactMap { $0["text"]?.string }
        guard finish == "STOP" || (!calls.isEmpty && finish != "MALFORMED_FUNCTION_CALL") else {
            throw .finished(finish)
        }
        guard !calls.isEmpty || !texts.isEmpty else { throw .malformed("a candidate without text or calls") }
        var raw = content
        if raw["role"] == nil, case .object(var object) = raw {
            object["role"] = .string("model")
            raw = .object(object)
        }
        return ModelReply(
            text: texts.isEmpty ? nil : texts.joined(), calls: calls, raw: raw,
            promptTokens: usage?["promptTokenCount"]?.int ?? 0, outputTokens: usage?["candidatesTokenCount"]?.int ?? 0)
    }
}
