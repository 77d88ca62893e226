public import Analyst

/// One turn of a conversation with a model, in the backend-neutral form `ModelAnalyst` keeps.
public enum ChatTurn: Sendable {
    case user(String)
    /// The model's turn exactly as the backend returned it (`raw`), so it goes back unchanged (Gemini's thought
    /// signatures must), with the calls read from it.
    case model(raw: JSONValue, calls: [ToolCall])
    case toolResults([ToolOutcome])
}

/// A tool call and the text it answered.
public struct ToolOutcome: Sendable {
    public var call: ToolCall
    public var result: String

    public init(call: ToolCall, result: String) {
        self.call = call
        self.result = result
    }
}

/// What a model answered: text, or tool calls to make first; and the tokens it counted.
public struct ModelReply: Sendable {
    public var text: String?
    public var calls: [ToolCall]
    public var raw: JSONValue
    public var promptTokens: Int
    public var outputTokens: Int
}

/// Why a model gave no usable answer. The descriptions name the backend's own words (a finish reason, a block
/// reason, an HTTP status) and never a key or a prompt.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    case blocked(String)
    case finished(String)
    case http(Int, String)
    case transport(String)
    case malformed(String)
    case timedOut

    public var description: String {
        switch self {
        case .blocked(let reason): "the prompt was blocked (\(reason))"
        case .finished(let reason): "the model stopped early (\(reason))"
        case .http(let status, let message): "HTTP \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .transport(let message): message
        case .malformed(let what): "unreadable answer: \(what)"
        case .timedOut: "no answer in time"
        }
    }

    /// A short label for metrics.
    public var kind: String {
        switch self {
        case .blocked: "blocked"
        case .finished: "finished"
        case .http(let status, _): "http_\(status)"
        case .transport: "transport"
        case .malformed: "malformed"
        case .timedOut: "timeout"
        }
    }
}

/// A chat model behind an HTTP API: Gemini's `generateContent`, or any OpenAI-compatible `chat/completions`.
public protocol LanguageModel: Sendable {
    /// "Gemini 2.5 Flash": who wrote an answer.
    var displayName: String { get }
    /// "gemini", "openai": the metrics' label.
    var backend: String { get }
    /// - Parameters:
    ///   - schema: an object schema the answer must follow (JSON mode), or nil for free text.
    ///   - deadline: when to give up, retries included.
    func generate(
        system: String, turns: [ChatTurn], tools: [AnalystTool], schema: JSONValue?,
        deadline: ContinuousClock.Instant
    ) async throws(ModelError) -> ModelReply
}
