public import DiscordModels
import Foundation
import HTTPClient
import Synchronization

/// Why a call to Discord's REST API did not succeed; never carries a token.
public enum DiscordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401 on a bot-token call: the token is wrong or revoked. Further bot-token calls are not attempted.
    case unauthorized
    /// Discord refused the request for good (4xx other than 429): its status, error code and message.
    case rejected(status: Int, code: Int?, message: String)
    /// No usable answer after every attempt (5xx, 429 beyond the wait we accept, the network).
    case failed(String)

    public var description: String {
        switch self {
        case .unauthorized: "Discord refused the bot token (401); check DISCORD_BOT_TOKEN"
        case .rejected(let status, let code, let message):
            "Discord refused the request (\(status)\(code.map { ", code \($0)" } ?? "")): \(message)"
        case .failed(let reason): "Discord did not answer usably: \(reason)"
        }
    }

    /// Discord's error codes worth naming: the interaction token is gone (10062, 50027), already acknowledged
    /// (40060), or the user blocks DMs (50007).
    public var discordCode: Int? {
        if case .rejected(_, let code, _) = self { code } else { nil }
    }
}

/// Discord's REST API, as slurmbot uses it: finishing deferred replies (interaction token), registering commands
/// (bot token). Every request carries `User-Agent: DiscordBot (url, version)`, waits for the rate limits the
/// responses announce, and retries 429 and 5xx answers a few times; a refused bot token stops bot-token calls.
public final class DiscordClient: Sendable {
    public static let userAgent = "DiscordBot (https://github.com/slurmbot/slurmbot, 0.4)"

    private let http: HTTPClient
    /// `https://discord.com/api/v10`, or a loopback fake in tests.
    public let baseURL: String
    private let botToken: String?
    private let limiter = RateLimiter()
    private let tokenRefused = Mutex(false)
    private let attempts: Int

    public init(baseURL: String, botToken: String? = nil, attempts: Int = 4) {
        self.http = HTTPClient(userAgent: Self.userAgent)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.botToken = botToken
        self.attempts = attempts
    }

    /// Completes a deferred reply: edits the original message, uploading `files` (multipart) when there are any.
    public func editOriginalResponse(
        applicationID: String, interactionToken: String, message: MessagePayload, files: [DiscordFile] = []
    ) async throws(DiscordError) {
        _ = try await send(
            "PATCH", "/webhooks/\(applicationID)/\(interactionToken)/messages/@original", message: message,
            files: files,
            authorized: false)
    }

    /// One more message for the same interaction.
    public func createFollowUp(
        applicationID: String, interactionToken: String, message: MessagePayload, files: [DiscordFile] = []
    ) async throws(DiscordError) {
        _ = try await send(
            "POST", "/webhooks/\(applicationID)/\(interactionToken)", message: message, files: files, authorized: false)
    }

    /// Replaces the whole command list, globally or in one guild (instant there). Returns what Discord stored.
    public func replaceCommands(applicationID: String, guildID: String? = nil, commands: [CommandDefinition])
        async throws(DiscordError) -> [[String: AnyCodableValue]]
    {
        let path =
            guildID.map { "/applications/\(applicationID)/guilds/\($0)/commands" }
            ?? "/applications/\(applicationID)/commands"
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(commands))
        } catch {
            throw .failed("cannot encode the commands: \(error)")
        }
        let response = try await send("PUT", path, body: body, contentType: "application/json", authorized: true)
        return (try? JSONDecoder().decode([[String: AnyCodableValue]].self, from: Data(response.body))) ?? []
    }

    // MARK: - Reading the set-up (slurmbot doctor)

    /// The application the bot token belongs to: its id and name (`GET /applications/@me`).
    public func currentApplication() async throws(DiscordError) -> (id: String, name: String) {
        struct Application: Decodable { var id: String, name: String }
        let response = try await send(
            "GET", "/applications/@me", body: [], contentType: "application/json", authorized: true)
        guard let application = try? JSONDecoder().decode(Application.self, from: Data(response.body)) else {
            throw .failed("no application in Discord's answer")
        }
        return (application.id, application.name)
    }

    /// The names of the commands registered globally or in one guild.
    public func commandNames(applicationID: String, guildID: String? = nil) async throws(DiscordError) -> [String] {
        struct Named: Decodable { var name: String }
        let path =
            guildID.map { "/applications/\(applicationID)/guilds/\($0)/commands" }
            ?? "/applications/\(applicationID)/commands"
        let response = try await send("GET", path, body: [], contentType: "application/json", authorized: true)
        guard let commands = try? JSONDecoder().decode([Named].self, from: Data(response.body)) else {
            throw .failed("no command list in Discord's answer")
        }
        return commands.map(\.name)
    }

    /// A channel's name, which the bot can read only if it can see the channel (`GET /channels/ID`).
    public func channelName(_ channelID: String) async throws(DiscordError) -> String {
        struct Channel: Decodable { var name: String? }
        let response = try await send(
            "GET", "/channels/\(channelID)", body: [], contentType: "application/json", authorized: true)
        return (try? JSONDecoder().decode(Channel.self, from: Data(response.body)))?.name ?? channelID
    }

    /// An incoming webhook's name, read without posting (`GET` on the webhook's own URL, which needs no token).
    public func webhookName(url: String) async throws(DiscordError) -> String {
        struct Webhook: Decodable { var name: String? }
        let response = try await send(
            "GET", url, body: [], contentType: "application/json", authorized: false, route: "GET webhook",
            absolute: true)
        return (try? JSONDecoder().decode(Webhook.self, from: Data(response.body)))?.name ?? "webhook"
    }

    // MARK: - Alerts (bot token, or an incoming webhook)

    /// Opens (or finds: Discord returns the same one) the direct-message channel with a user; returns its id.
    public func directMessageChannel(recipient: String) async throws(DiscordError) -> String {
        struct Recipient: Encodable { var recipient_id: String }
        guard let body = try? JSONEncoder().encode(Recipient(recipient_id: recipient)) else {
            throw .failed("cannot encode the recipient")
        }
        let response = try await send(
            "POST", "/users/@me/channels", body: Array(body), contentType: "application/json", authorized: true)
        guard let id = Self.id(in: response.body) else { throw .failed("no channel id in Discord's answer") }
        return id
    }

    /// Posts a message in a channel (a DM channel included); returns the message id.
    @discardableResult
    public func createMessage(channelID: String, message: MessagePayload) async throws(DiscordError) -> String? {
        let response = try await send(
            "POST", "/channels/\(channelID)/messages", message: message, files: [], authorized: true)
        return Self.id(in: response.body)
    }

    /// Posts through an incoming webhook (`https://discord.com/api/webhooks/ID/TOKEN`, which is a secret: it never
    /// appears in errors or logs). Waits for Discord to confirm the message exists.
    public func executeWebhook(url: String, message: MessagePayload) async throws(DiscordError) {
        let json: [UInt8]
        do {
            json = Array(try JSONEncoder().encode(message))
        } catch {
            throw .failed("cannot encode the message: \(error)")
        }
        let separator = url.contains("?") ? "&" : "?"
        _ = try await send(
            "POST", url + separator + "wait=true", body: json, contentType: "application/json", authorized: false,
            route: "POST webhook", absolute: true)
    }

    private static func id(in body: [UInt8]) -> String? {
        struct Identified: Decodable { var id: String }
        return (try? JSONDecoder().decode(Identified.self, from: Data(body)))?.id
    }

    // MARK: - Sending

    private func send(_ method: String, _ path: String, message: MessagePayload, files: [DiscordFile], authorized: Bool)
        async throws(DiscordError) -> HTTPClientResponse
    {
        var payload = message
        if !files.isEmpty {
            payload.attachments =
                (payload.attachments ?? [])
                + files.enumerated().map {
                    AttachmentReference(
                        id: $0.offset, filename: Multipart.safeFilename($0.element.filename),
                        description: $0.element.description)
                }
        }
        let json: [UInt8]
        do {
            json = Array(try JSONEncoder().encode(payload))
        } catch {
            throw .failed("cannot encode the message: \(error)")
        }
        guard !files.isEmpty else {
            return try await send(method, path, body: json, contentType: "application/json", authorized: authorized)
        }
        let multipart = Multipart.encode(payloadJSON: json, files: files, boundary: Multipart.boundary())
        return try await send(
            method, path, body: multipart.body, contentType: multipart.contentType, authorized: authorized)
    }

    /// - Parameters:
    ///   - route: the rate-limit bucket's key, when the path holds a secret.
    ///   - absolute: `path` is a whole URL (a webhook's).
    private func send(
        _ method: String, _ path: String, body: [UInt8], contentType: String, authorized: Bool,
        route: String? = nil, absolute: Bool = false
    ) async throws(DiscordError) -> HTTPClientResponse {
        var headers = [(name: "Content-Type", value: contentType)]
        if authorized {
            guard let botToken else { throw .failed("DISCORD_BOT_TOKEN is not set") }
            guard !tokenRefused.withLock({ $0 }) else { throw .unauthorized }
            headers.append((name: "Authorization", value: "Bot \(botToken)"))
        }
        let route = route ?? "\(method) \(path)"
        var lastProblem = "no attempt made"
        for attempt in 1...attempts {
            let wait = await limiter.reserve(route: route)
            if wait > .zero { try? await Task.sleep(for: wait) }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(
                    HTTPClientRequest(
                        method: method, url: absolute ? path : baseURL + path, headers: headers, body: body))
            } catch {
                lastProblem = absolute ? "the webhook could not be reached: \(error.message)" : error.description
                if attempt < attempts { try? await Task.sleep(for: .milliseconds(250 << attempt)) }
                continue
            }
            let error = Self.errorBody(response.body)
            await limiter.update(
                route: route, status: response.status, headers: response.headers, retryAfter: error.retryAfter,
                global: error.global)
            switch response.status {
            case 200..<300:
                return response
            case 401 where authorized:
                tokenRefused.withLock { $0 = true }
                throw .unauthorized
            case 429:
                lastProblem = "rate limited (429)"
            case 500..<600:
                lastProblem = "server error \(response.status)"
                if attempt < attempts { try? await Task.sleep(for: .milliseconds(250 << attempt)) }
            default:
                throw .rejected(status: response.status, code: error.code, message: error.message ?? "no message")
            }
        }
        throw .failed("\(lastProblem) after \(attempts) attempts")
    }

    /// Discord's error body: `{"code": 50007, "message": "...", "retry_after": 1.5, "global": false}`.
    private static func errorBody(_ body: [UInt8]) -> (code: Int?, message: String?, retryAfter: Double?, global: Bool)
    {
        struct Body: Decodable {
            var code: Int?
            var message: String?
            var retryAfter: Double?
            var global: Bool?

            enum CodingKeys: String, CodingKey {
                case code, message, global
                case retryAfter = "retry_after"
            }
        }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(body)) else {
            return (nil, nil, nil, false)
        }
        return (decoded.code, decoded.message, decoded.retryAfter, decoded.global ?? false)
    }
}

/// A JSON value of any shape, for echoing back what Discord stored.
public enum AnyCodableValue: Codable, Sendable, Hashable {
    case string(String), number(Double), bool(Bool), array([AnyCodableValue]), object([String: AnyCodableValue]), null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AnyCodableValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AnyCodableValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
