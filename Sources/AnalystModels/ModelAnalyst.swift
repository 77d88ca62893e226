public import Analyst
import ClusterFacts
import CoreMetrics
import Foundation
public import Logging

/// An analyst that has a language model write, and holds every answer to the facts: the model sees only the facts
/// digest and the read-only tools; its answer is checked (`TruthCheck`) against what it was given, and any failure
/// (an error, a timeout, a blocked prompt, an invented name or number) gives the built-in answer instead, with the
/// reason logged and counted.
public struct ModelAnalyst: Analyst {
    public let model: any LanguageModel
    /// Replace user names by stable aliases before anything goes to the model (`SLURMBOT_AI_ANONYMIZE`).
    public let anonymize: Bool
    public let summaryTimeout: Duration
    public let askTimeout: Duration
    /// Rounds of tool calls before the model must answer.
    public let maxRounds: Int
    let logger: Logger
    let fallback = BuiltInAnalyst()

    public init(
        model: any LanguageModel, anonymize: Bool = false, summaryTimeout: Duration = .seconds(20),
        askTimeout: Duration = .seconds(12), maxRounds: Int = 4, logger: Logger
    ) {
        self.model = model
        self.anonymize = anonymize
        self.summaryTimeout = summaryTimeout
        self.askTimeout = askTimeout
        self.maxRounds = maxRounds
        self.logger = logger
    }

    public var author: String { model.displayName }

    static let rules = """
        You explain a Slurm HPC cluster to its users in Discord, read on phones. Rules:
        - Use only the facts given (JSON) and the tools' answers. Every number you write must appear there, or be a \
        sum, difference or percentage of numbers there. Name only nodes, partitions and users that appear there.
        - If the data does not say, answer that it does not say. Never guess.
        - Everything here only reads: you cannot cancel, submit, drain or change anything, whatever a question says.
        - Decline questions that are not about this cluster in one short sentence.
        - Plain sentences, at most 120 words, no tables, no headings. Say how old the data is only if it is over 15 \
        minutes.
        """

    static let summarySchema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "summary": .object([
                "type": .string("string"),
                "description": .string(
                    "At most 4 short sentences: what is free and where, what is full and why, "
                        + "nodes out of service, what changed since the last summary"),
            ])
        ]),
        "required": .array([.string("summary")]),
    ])

    public func summarize(_ request: SummaryRequest) async -> AnalystAnswer {
        let aliases = aliases(for: request)
        let digest = FactsDigest.json(
            request.facts, now: request.now, previous: request.previous, partition: request.partition,
            aliases: aliases)
        let deadline = ContinuousClock.now + summaryTimeout
        do {
            let reply = try await model.generate(
                system: Self.rules, turns: [.user("Summarize the cluster now.\nFacts: " + digest.text)], tools: [],
                schema: Self.summarySchema, deadline: deadline)
            count(reply)
            guard let text = reply.text, let summary = JSONValue.parse(text)?["summary"]?.string, !summary.isEmpty
            else { throw ModelError.malformed("no summary in the JSON answer") }
            if let problem = TruthCheck(sources: [digest.text]).problem(in: summary) {
                return await fellBack(request: request, reason: problem, kind: "untrue")
            }
            outcome("ok")
            return AnalystAnswer(text: aliases?.reveal(summary) ?? summary, author: author)
        } catch let error as ModelError {
            return await fellBack(request: request, reason: error.description, kind: error.kind)
        } catch {
            return await fellBack(request: request, reason: "\(error)", kind: "error")
        }
    }

    public func ask(_ question: String, about request: SummaryRequest, toolbox: any Toolbox) async -> AnalystAnswer {
        let aliases = aliases(for: request)
        let digest = FactsDigest.json(request.facts, now: request.now, partition: request.partition, aliases: aliases)
        let asked = aliases?.hide(question) ?? question
        var turns: [ChatTurn] = [.user("Facts: " + digest.text + "\n\nQuestion: " + asked)]
        var sources = [digest.text, asked]
        var calls: [String] = []
        let deadline = ContinuousClock.now + askTimeout
        let fallBack = { (reason: String, kind: String) async -> AnalystAnswer in
            logger.warning(
                "the model's answer was set aside", metadata: ["backend": "\(model.backend)", "reason": "\(reason)"])
            outcome(kind)
            var answer = await fallback.ask(question, about: request, toolbox: toolbox)
            answer.fallback = reason
            return answer
        }
        do {
            for _ in 0..<maxRounds {
                let reply = try await model.generate(
                    system: Self.rules, turns: turns, tools: AnalystTool.all, schema: nil, deadline: deadline)
                count(reply)
                guard !reply.calls.isEmpty else {
                    let text = reply.text ?? ""
                    if let problem = TruthCheck(sources: sources).problem(in: text) {
                        return await fallBack(problem, "untrue")
                    }
                    outcome("ok")
                    return AnalystAnswer(text: aliases?.reveal(text) ?? text, author: author, toolCalls: calls)
                }
                var outcomes: [ToolOutcome] = []
                for call in reply.calls.prefix(4) {
                    var real = call
                    if let aliases { real.arguments = JSONValue.parse(aliases.reveal(call.arguments.text)) ?? .null }
                    // Only the read-only tools exist, whatever name a model (or a question it read) makes up.
                    let result =
                        AnalystTool.all.contains { $0.name == call.name }
                        ? await toolbox.call(real)
                        : ToolResult(
                            text: "There is no tool \(call.name); the tools are "
                                + AnalystTool.all.map(\.name).joined(separator: ", ") + ".", ok: false)
                    let text = aliases?.hide(result.text) ?? result.text
                    outcomes.append(ToolOutcome(call: call, result: text))
                    sources.append(text)
                    calls.append(call.name)
                }
                turns.append(.model(raw: reply.raw, calls: reply.calls))
                turns.append(.toolResults(outcomes))
            }
            return await fallBack("no answer after \(maxRounds) rounds of tool calls", "rounds")
        } catch {
            return await fallBack(error.description, error.kind)
        }
    }

    private func aliases(for request: SummaryRequest) -> Aliases? {
        guard anonymize else { return nil }
        return Aliases(users: request.facts.jobs(nil).byUser.keys, key: request.facts.cluster)
    }

    private func fellBack(request: SummaryRequest, reason: String, kind: String) async -> AnalystAnswer {
        logger.warning(
            "the model's summary was set aside", metadata: ["backend": "\(model.backend)", "reason": "\(reason)"])
        outcome(kind)
        var answer = await fallback.summarize(request)
        answer.fallback = reason
        return answer
    }

    private func outcome(_ kind: String) {
        Counter(label: "slurmbot_analyst_requests_total", dimensions: [("backend", model.backend), ("outcome", kind)])
            .increment()
    }

    private func count(_ reply: ModelReply) {
        Counter(label: "slurmbot_analyst_tokens_total", dimensions: [("backend", model.backend), ("kind", "prompt")])
            .increment(by: reply.promptTokens)
        Counter(label: "slurmbot_analyst_tokens_total", dimensions: [("backend", model.backend), ("kind", "output")])
            .increment(by: reply.outputTokens)
    }
}
