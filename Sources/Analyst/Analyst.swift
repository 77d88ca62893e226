public import ClusterFacts

/// Who explains the cluster in words: the built-in rules, or a language model held to the facts.
///
/// Every implementation answers; none throws. A model that fails, hangs or states what the data does not say is
/// replaced by the built-in answer, and the answer says so in `fallback`.
public protocol Analyst: Sendable {
    /// "built-in", "Gemini 2.5 Flash", "llama3.1 (OpenAI-compatible)": who wrote an answer.
    var author: String { get }
    func summarize(_ request: SummaryRequest) async -> AnalystAnswer
    func ask(_ question: String, about request: SummaryRequest, toolbox: any Toolbox) async -> AnalystAnswer
}

/// What a summary or an answer is about: one snapshot's facts, and what the last summary described.
public struct SummaryRequest: Sendable {
    public var facts: ClusterFacts
    public var previous: SummaryBasis?
    /// One partition, or the whole cluster when nil.
    public var partition: String?
    /// Our clock now, for the data's age.
    public var now: Int64

    public init(facts: ClusterFacts, previous: SummaryBasis? = nil, partition: String? = nil, now: Int64) {
        self.facts = facts
        self.previous = previous
        self.partition = partition
        self.now = now
    }
}

/// An analyst's words and who wrote them.
public struct AnalystAnswer: Sendable, Hashable {
    public var text: String
    /// Who wrote `text` (the built-in analyst when a model's answer was set aside).
    public var author: String
    /// Why a model's answer was replaced by the built-in one, for the log and the footer; nil when it was not.
    public var fallback: String?
    /// The tool calls made on the way, in order.
    public var toolCalls: [String]

    public init(text: String, author: String, fallback: String? = nil, toolCalls: [String] = []) {
        self.text = text
        self.author = author
        self.fallback = fallback
        self.toolCalls = toolCalls
    }
}
