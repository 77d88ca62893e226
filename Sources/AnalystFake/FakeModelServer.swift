public import Analyst
import Foundation
public import HTTPServer
import Logging
import Synchronization

/// Gemini's `generateContent` and the OpenAI chat API on loopback, answering as their documentation shows: text,
/// JSON mode, function calls; or, when scripted, errors, blocked prompts, early stops and silence.
///
/// Unscripted it behaves like a cautious model: with tools and no tool result yet it calls `cluster_status`; with
/// a tool result it answers with that result's first sentence; in JSON mode it summarizes the digest's CPU use.
/// Every request is recorded with the problems found in it (a key in the URL, a missing header, a body that is not
/// what the API takes).
public final class FakeModelServer: Sendable {
    public struct Recorded: Sendable {
        public var path: String
        public var headers: HTTPHeaders
        public var body: JSONValue?
        public var problems: [String]
    }

    public struct Reply: Sendable {
        public var status: Int
        public var body: String
        public var headers: HTTPHeaders
        /// Wait this long before answering (a slow or hung server).
        public var delay: Duration

        public init(status: Int = 200, body: String, headers: HTTPHeaders = [:], delay: Duration = .zero) {
            self.status = status
            self.body = body
            self.headers = headers
            self.delay = delay
        }

        /// A Gemini answer with one text part and `finishReason`.
        public static func geminiText(_ text: String, finish: String = "STOP") -> Reply {
            Reply(
                body: JSONValue.object([
                    "candidates": .array([
                        .object([
                            "content": .object([
                                "role": .string("model"), "parts": .array([.object(["text": .string(text)])]),
                            ]),
                            "finishReason": .string(finish), "index": .int(0),
                        ])
                    ]),
                    "usageMetadata": .object([
                        "promptTokenCount": .int(900), "candidatesTokenCount": .int(60), "totalTokenCount": .int(960),
                    ]),
                    "modelVersion": .string("gemini-2.5-flash"),
                ]).text)
        }

        /// A Gemini function call (with a thought signature, as 2.5 models send).
        public static func geminiCall(_ name: String, _ args: [String: JSONValue] = [:]) -> Reply {
            Reply(
                body: JSONValue.object([
                    "candidates": .array([
                        .object([
                            "content": .object([
                                "role": .string("model"),
                                "parts": .array([
                                    .object([
                                        "functionCall": .object(["name": .string(name), "args": .object(args)]),
                                        "thoughtSignature": .string("c2lnbmF0dXJl"),
                                    ])
                                ]),
                            ]),
                            "finishReason": .string("STOP"), "index": .int(0),
                        ])
                    ]),
                    "usageMetadata": .object(["promptTokenCount": .int(800), "candidatesTokenCount": .int(20)]),
                ]).text)
        }

        /// A prompt Gemini refuses: no candidates, `promptFeedback.blockReason`.
        public static func geminiBlocked(_ reason: String = "SAFETY") -> Reply {
            Reply(
                body: #"{"promptFeedback": {"blockReason": "\#(reason)"}, "usageMetadata": {"promptTokenCount": 12}}"#)
        }

        /// Google's error shape.
        public static func geminiError(_ status: Int, _ message: String, _ state: String) -> Reply {
            Reply(
                status: status,
                body: #"{"error": {"code": \#(status), "message": "\#(message)", "status": "\#(state)"}}"#)
        }

        /// An OpenAI chat completion with text.
        public static func openAIText(_ text: String, finish: String = "stop") -> Reply {
            Reply(
                body: JSONValue.object([
                    "id": .string("chatcmpl-1"), "object": .string("chat.completion"), "model": .string("local"),
                    "choices": .array([
                        .object([
                            "index": .int(0), "finish_reason": .string(finish),
                            "message": .object(["role": .string("assistant"), "content": .string(text)]),
                        ])
                    ]),
                    "usage": .object([
                        "prompt_tokens": .int(700), "completion_tokens": .int(50), "total_tokens": .int(750),
                    ]),
                ]).text)
        }

        /// An OpenAI chat completion that calls one tool.
        public static func openAICall(_ name: String, _ args: [String: JSONValue] = [:]) -> Reply {
            Reply(
                body: JSONValue.object([
                    "id": .string("chatcmpl-2"), "object": .string("chat.completion"), "model": .string("local"),
                    "choices": .array([
                        .object([
                            "index": .int(0), "finish_reason": .string("tool_calls"),
                            "message": .object([
                                "role": .string("assistant"), "content": .null,
                                "tool_calls": .array([
                                    .object([
                                        "id": .string("call_abc"), "type": .string("function"),
                                        "function": .object([
                                            "name": .string(name), "arguments": .string(JSONValue.object(args).text),
                                        ]),
                                    ])
                                ]),
                            ]),
                        ])
                    ]),
                    "usage": .object(["prompt_tokens": .int(600), "completion_tokens": .int(15)]),
                ]).text)
        }
    }

    final class Box: Sendable {
        let recorded = Mutex<[Recorded]>([])
        let scripted = Mutex<[Reply]>([])
    }

    public let key: String
    private let server: HTTPServer
    private let box = Box()

    public init(key: String = "fake-model-key") throws {
        self.key = key
        server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0), responder: Responder(key: key, box: box),
            logger: Logger(label: "fake-model"))
    }

    /// What to give as `GEMINI_API_BASE` or `OPENAI_API_BASE`.
    public var baseURL: String { "http://127.0.0.1:\(server.port)" }

    public func script(_ replies: Reply...) { box.scripted.withLock { $0 += replies } }

    public var requests: [Recorded] { box.recorded.withLock { $0 } }

    public func shutdown() async { await server.shutdown(grace: .milliseconds(200)) }

    private struct Responder: HTTPResponder {
        let key: String
        let box: Box

        func respond(to request: HTTPRequest) async -> HTTPResponse {
            let path = String(request.path)
            let body = JSONValue.parse(String(decoding: request.body, as: UTF8.self))
            var problems: [String] = []
            if path.contains("key=") { problems.append("the API key is in the URL") }
            if request.headers["Content-Type"] != "application/json" { problems.append("Content-Type is not JSON") }
            if body == nil { problems.append("the body is not JSON") }
            let gemini = path.hasPrefix("/v1beta/models/") && path.hasSuffix(":generateContent")
            let openAI = path == "/v1/chat/completions"
            if gemini {
                if request.headers["x-goog-api-key"] != key { problems.append("x-goog-api-key is missing or wrong") }
                if body?["contents"]?.array == nil { problems.append("no contents") }
            } else if openAI {
                if let auth = request.headers["Authorization"], auth != "Bearer \(key)" {
                    problems.append("a wrong bearer token")
                }
                if body?["messages"]?.array == nil || body?["model"]?.string == nil {
                    problems.append("no model or messages")
                }
            }
            box.recorded.withLock {
                $0.append(Recorded(path: path, headers: request.headers, body: body, problems: problems))
            }
            guard gemini || openAI else { return Self.json(404, #"{"error": {"code": 404, "message": "Not Found"}}"#) }
            guard problems.isEmpty else {
                return Self.json(400, #"{"error": {"code": 400, "message": "\#(problems[0])"}}"#)
            }
            let scripted = box.scripted.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            let reply = scripted ?? (gemini ? Self.geminiDefault(body!) : Self.openAIDefault(body!))
            if reply.delay > .zero { try? await Task.sleep(for: reply.delay) }
            return HTTPResponse(
                status: HTTPStatus(reply.status, "Scripted"),
                headers: reply.headers + ["Content-Type": "application/json"],
                body: Array(reply.body.utf8))
        }

        static func json(_ status: Int, _ body: String) -> HTTPResponse {
            HTTPResponse(
                status: HTTPStatus(status, "Error"), headers: ["Content-Type": "application/json"],
                body: Array(body.utf8))
        }

        static func geminiDefault(_ body: JSONValue) -> Reply {
            let contents = body["contents"]?.array ?? []
            if body["generationConfig"]?["responseSchema"] != nil {
                return .geminiText(JSONValue.object(["summary": .string(summary(of: contents.first))]).text)
            }
            let lastParts = contents.last?["parts"]?.array ?? []
            if let response = lastParts.first?["functionResponse"]?["response"]?["result"]?.string {
                return .geminiText(firstSentence(response))
            }
            return .geminiCall("cluster_status")
        }

        static func openAIDefault(_ body: JSONValue) -> Reply {
            let messages = body["messages"]?.array ?? []
            if body["response_format"] != nil {
                return .openAIText(JSONValue.object(["summary": .string(summary(of: messages.last))]).text)
            }
            if messages.last?["role"]?.string == "tool" {
                return .openAIText(firstSentence(messages.last?["content"]?.string ?? ""))
            }
            return .openAICall("cluster_status")
        }

        /// "512 of 1024 CPUs are in use." from the digest in the first user message.
        static func summary(of message: JSONValue?) -> String {
            let text = message?["parts"]?.array?.first?["text"]?.string ?? message?["content"]?.string ?? ""
            guard let start = text.range(of: "Facts: ")?.upperBound,
                let digest = JSONValue.parse(String(text[start...]).components(separatedBy: "\n\n")[0]),
                let cpus = digest["whole_cluster"]?["cpus"]
            else { return "The cluster data could not be read." }
            return "\(cpus["allocated"]?.int ?? 0) of \(cpus["total"]?.int ?? 0) CPUs are in use, "
                + "\(cpus["free"]?.int ?? 0) are free."
        }

        /// The first line with a number in it: a tool's headline, as a cautious model would quote it.
        static func firstSentence(_ text: String) -> String {
            text.split(separator: "\n").first { $0.contains(where: \.isNumber) && !$0.hasPrefix("**") }
                .map { $0.replacingOccurrences(of: "**", with: "") } ?? text
        }
    }
}
