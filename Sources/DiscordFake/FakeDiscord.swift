import Foundation
public import HTTPServer
import Logging
import Synchronization

/// Discord's REST API, faked on loopback for the tests and `slurmbot demo`: it checks requests the way Discord
/// documents them, records them, and answers as Discord does (or as a test scripts it: 429, 500, 401…).
public final class FakeDiscord: Sendable {
    /// One part of a multipart body.
    public struct Part: Sendable, Hashable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var body: [UInt8]
    }

    public struct Recorded: Sendable {
        public var method: String
        public var path: String
        public var headers: HTTPHeaders
        public var body: [UInt8]
        /// The JSON payload: the body, or the `payload_json` part of a multipart body.
        public var payload: [UInt8]?
        public var parts: [Part]?
        /// Everything about the request that Discord would refuse; empty when it is well-formed.
        public var problems: [String]
        public var at: ContinuousClock.Instant

        /// The payload decoded as a JSON object.
        public var json: [String: Any]? {
            payload.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
        }
    }

    public struct Reply: Sendable {
        public var status: Int
        public var body: String
        public var headers: HTTPHeaders

        public init(status: Int, body: String = "{}", headers: HTTPHeaders = [:]) {
            self.status = status
            self.body = body
            self.headers = headers
        }

        public static func rateLimited(after seconds: Double, global: Bool = false) -> Reply {
            Reply(
                status: 429,
                body: #"{"message": "You are being rate limited.", "retry_after": \#(seconds), "global": \#(global)}"#,
                headers: [
                    "Retry-After": String(Int(seconds.rounded(.up))), "X-RateLimit-Global": global ? "true" : "false",
                ])
        }
    }

    /// A message Discord would now show: posted by the bot in a channel (a DM channel is `dm-<user id>`), or
    /// through a webhook (channel `webhook:<id>`).
    public struct Message: Sendable {
        public var id: String
        public var channel: String
        public var payload: [UInt8]
        public var nonce: String?

        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] }
        public var content: String { json?["content"] as? String ?? "" }
    }

    struct State {
        var recorded: [Recorded] = []
        var scripted: [Reply] = []
        var routeHeaders: [String: HTTPHeaders] = [:]
        var messages: [Message] = []
        var closedDMs: Set<String> = []
        var channels: Set<String> = []
        /// The command names last registered, by scope ("global" or a guild id), for GET to read back.
        var commands: [String: [String]] = [:]
    }

    final class Box: Sendable {
        let state = Mutex(State())
    }

    public let botToken: String
    private let server: HTTPServer
    private let box = Box()

    public init(botToken: String = "fake-bot-token") throws {
        let box = self.box
        self.botToken = botToken
        server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            responder: Responder(botToken: botToken, box: box), logger: Logger(label: "fake-discord"))
    }

    /// The application id the fake answers `GET /applications/@me` with.
    public static let applicationID = "1100000000000000001"

    /// What to give as `DISCORD_API_BASE`.
    public var baseURL: String { "http://127.0.0.1:\(server.port)/api/v10" }

    /// The next requests get these answers, in order, instead of the normal ones.
    public func script(_ replies: Reply...) {
        box.state.withLock { $0.scripted += replies }
    }

    /// Headers added to every normal answer on paths starting with `prefix` (rate-limit buckets).
    public func addHeaders(_ headers: HTTPHeaders, onPathsStartingWith prefix: String) {
        box.state.withLock { $0.routeHeaders[prefix] = headers }
    }

    public var requests: [Recorded] { box.state.withLock { $0.recorded } }

    /// Every message created so far, in order: what people would see.
    public var messages: [Message] { box.state.withLock { $0.messages } }

    /// These users have DMs from the bot turned off: messages to them get 403, code 50007.
    public func closeDMs(of user: String) {
        box.state.withLock { _ = $0.closedDMs.insert(user) }
    }

    /// A text channel the bot may post in; others are "Unknown Channel" (404, code 10003).
    public func addChannel(_ id: String) {
        box.state.withLock { _ = $0.channels.insert(id) }
    }

    /// Waits (up to `timeout`) until `count` messages exist.
    public func messages(count: Int, timeout: Duration = .seconds(10)) async -> [Message] {
        let limit = ContinuousClock.now + timeout
        while messages.count < count && ContinuousClock.now < limit {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return messages
    }

    /// Waits (up to `timeout`) until `count` requests have arrived.
    public func requests(count: Int, timeout: Duration = .seconds(10)) async -> [Recorded] {
        let limit = ContinuousClock.now + timeout
        while requests.count < count && ContinuousClock.now < limit {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return requests
    }

    /// The edit that finished the deferred reply to the interaction with this token (`PATCH …/@original`), once it
    /// has arrived; nil if it does not within `timeout`.
    public func edit(token: String, timeout: Duration) async -> Recorded? {
        let limit = ContinuousClock.now + timeout
        let suffix = "/\(token)/messages/@original"
        while ContinuousClock.now < limit {
            if let edit = requests.last(where: { $0.method == "PATCH" && $0.path.hasSuffix(suffix) }) { return edit }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    public func shutdown() async {
        await server.shutdown(grace: .seconds(1))
    }

    private struct Responder: HTTPResponder {
        let botToken: String
        let box: Box

        func respond(to request: HTTPRequest) async -> HTTPResponse {
            var recorded = Recorded(
                method: request.method, path: String(request.path), headers: request.headers, body: request.body,
                payload: nil, parts: nil, problems: [], at: .now)
            defer { box.state.withLock { $0.recorded.append(recorded) } }
            let userAgent = request.headers["User-Agent"] ?? ""
            if !(userAgent.hasPrefix("DiscordBot (") && userAgent.hasSuffix(")") && userAgent.contains(", ")) {
                recorded.problems.append("User-Agent is not 'DiscordBot (url, version)': \(userAgent)")
            }
            let contentType = request.headers["Content-Type"] ?? ""
            if contentType.hasPrefix("multipart/form-data") {
                recorded.problems += FakeDiscord.checkMultipart(request.body, contentType: contentType, into: &recorded)
            } else if !request.body.isEmpty {
                if contentType != "application/json" { recorded.problems.append("Content-Type is \(contentType)") }
                if (try? JSONSerialization.jsonObject(with: Data(request.body))) == nil {
                    recorded.problems.append("the body is not JSON")
                }
                recorded.payload = request.body
            }
            if let scripted = box.state.withLock({ $0.scripted.isEmpty ? nil : $0.scripted.removeFirst() }) {
                return HTTPResponse(
                    status: HTTPStatus(scripted.status, "Scripted"),
                    headers: scripted.headers + ["Content-Type": "application/json"], body: Array(scripted.body.utf8))
            }
            guard request.path.hasPrefix("/api/v10/") else {
                return Self.json(404, #"{"message": "404: Not Found", "code": 0}"#)
            }
            let parts = request.path.dropFirst("/api/v10/".count).split(separator: "/").map(String.init)
            let extra =
                box.state.withLock { state in state.routeHeaders.first { request.path.hasPrefix($0.key) }?.value }
                ?? [:]
            if !recorded.problems.isEmpty {
                return Self.json(400, #"{"message": "Invalid Form Body", "code": 50035}"#, extra)
            }
            let authorized = request.headers["Authorization"] == "Bot \(botToken)"
            switch (request.method, parts.first, parts.count) {
            case ("PATCH", "webhooks", 5) where parts[3] == "messages" && parts[4] == "@original":
                return Self.json(200, #"{"id": "1000", "type": 0}"#, extra)
            case ("POST", "webhooks", 3):
                let message = box.state.withLock { state in
                    state.messages.append(
                        Message(
                            id: "\(2000 + state.messages.count)", channel: "webhook:\(parts[1])", payload: request.body,
                            nonce: nil))
                    return state.messages[state.messages.count - 1]
                }
                return Self.json(200, #"{"id": "\#(message.id)", "type": 0}"#, extra)
            case ("POST", "users", 3) where parts[1] == "@me" && parts[2] == "channels":
                guard authorized else { return Self.json(401, #"{"message": "401: Unauthorized", "code": 0}"#) }
                let recipient = recorded.json?["recipient_id"] as? String ?? ""
                guard !recipient.isEmpty, recipient.allSatisfy(\.isNumber) else {
                    return Self.json(400, #"{"message": "Invalid Form Body", "code": 50035}"#)
                }
                return Self.json(200, #"{"id": "dm-\#(recipient)", "type": 1}"#, extra)
            case ("POST", "channels", 3) where parts[2] == "messages":
                guard authorized else { return Self.json(401, #"{"message": "401: Unauthorized", "code": 0}"#) }
                return createMessage(in: parts[1], recorded: recorded, extra: extra)
            case ("PUT", "applications", 3) where parts[2] == "commands",
                ("PUT", "applications", 5) where parts[2] == "guilds" && parts[4] == "commands":
                guard request.headers["Authorization"] == "Bot \(botToken)" else {
                    return Self.json(401, #"{"message": "401: Unauthorized", "code": 0}"#)
                }
                let problems = FakeDiscord.checkCommands(request.body)
                recorded.problems += problems
                guard problems.isEmpty else {
                    return Self.json(400, #"{"message": "Invalid Form Body", "code": 50035}"#)
                }
                let names =
                    ((try? JSONSerialization.jsonObject(with: Data(request.body))) as? [[String: Any]] ?? [])
                    .compactMap { $0["name"] as? String }
                box.state.withLock { $0.commands[parts.count == 5 ? parts[3] : "global"] = names }
                return Self.json(200, String(decoding: request.body, as: UTF8.self), extra)
            case ("GET", "applications", 2) where parts[1] == "@me":
                guard authorized else { return Self.json(401, #"{"message": "401: Unauthorized", "code": 0}"#) }
                return Self.json(200, #"{"id": "\#(FakeDiscord.applicationID)", "name": "slurmbot-fake"}"#, extra)
            case ("GET", "applications", 3) where parts[2] == "commands",
                ("GET", "applications", 5) where parts[2] == "guilds" && parts[4] == "commands":
                guard authorized else { return Self.json(401, #"{"message": "401: Unauthorized", "code": 0}"#) }
                let names = box.state.withLock { $0.commands[parts.count == 5 ? parts[3] : "global"] ?? [] }
                let list = names.map { #"{"id": "1", "name": "\#($0)"}"# }.joined(separator: ",")
                return Self.json(200, "[\(list)]", extra)
            case ("GET", "webhooks", 3):
                // A webhook answers GET on its own URL, token in the path; this fake knows only numeric ids.
                guard parts[1].allSatisfy(\.isNumber) else {
                    return Self.json(404, #"{"message": "Unknown Webhook", "code": 10015}"#)
                }
                return Self.json(200, #"{"id": "\#(parts[1])", "name": "alerts", "type": 1}"#, extra)
            case ("GET", "channels", 2):
                guard authorized else { return Self.json(401, #"{"message": "401: Unauthorized", "code": 0}"#) }
                let known = box.state.withLock { $0.channels.contains(parts[1]) }
                guard known else { return Self.json(404, #"{"message": "Unknown Channel", "code": 10003}"#) }
                return Self.json(200, #"{"id": "\#(parts[1])", "name": "ops", "type": 0}"#, extra)
            default:
                return Self.json(404, #"{"message": "Unknown Webhook", "code": 10015}"#)
            }
        }

        /// Creates a message unless the nonce is enforced and already used in that channel, as Discord does.
        func createMessage(in channel: String, recorded: Recorded, extra: HTTPHeaders) -> HTTPResponse {
            let json = recorded.json ?? [:]
            let nonce = json["nonce"] as? String
            if let nonce, nonce.count > 25 {
                return Self.json(400, #"{"message": "Invalid Form Body (nonce)", "code": 50035}"#)
            }
            let content = json["content"] as? String ?? ""
            let embeds = json["embeds"] as? [[String: Any]] ?? []
            guard !content.isEmpty || !embeds.isEmpty else {
                return Self.json(400, #"{"message": "Cannot send an empty message", "code": 50006}"#)
            }
            if json["allowed_mentions"] == nil {
                return Self.json(400, #"{"message": "slurmbot always sets allowed_mentions", "code": 50035}"#)
            }
            let outcome: HTTPResponse = box.state.withLock { state in
                if channel.hasPrefix("dm-") {
                    if state.closedDMs.contains(String(channel.dropFirst(3))) {
                        return Self.json(403, #"{"message": "Cannot send messages to this user", "code": 50007}"#)
                    }
                } else if !state.channels.contains(channel) {
                    return Self.json(404, #"{"message": "Unknown Channel", "code": 10003}"#)
                }
                if let nonce, json["enforce_nonce"] as? Bool == true,
                    let existing = state.messages.first(where: { $0.channel == channel && $0.nonce == nonce })
                {
                    return Self.json(
                        200, #"{"id": "\#(existing.id)", "channel_id": "\#(channel)", "nonce": "\#(nonce)"}"#, extra)
                }
                let id = "\(2000 + state.messages.count)"
                state.messages.append(
                    Message(id: id, channel: channel, payload: recorded.payload ?? [], nonce: nonce))
                return Self.json(200, #"{"id": "\#(id)", "channel_id": "\#(channel)"}"#, extra)
            }
            return outcome
        }

        static func json(_ status: Int, _ body: String, _ extra: HTTPHeaders = [:]) -> HTTPResponse {
            HTTPResponse(
                status: HTTPStatus(status, "Fake"), headers: extra + ["Content-Type": "application/json"],
                body: Array(body.utf8))
        }
    }
}
