public import Analyst
public import Commands
public import DiscordAPI
import DiscordModels
public import Foundation
public import HTTPServer
public import Logging
public import SlurmKit
public import Store

/// What the endpoint needs to know, from the shared configuration names (see `.env.example`).
public struct EndpointConfiguration: Sendable {
    /// The path registered in the Developer Portal (`SLURMBOT_INTERACTIONS_PATH`).
    public var interactionsPath: String
    public var verifier: SignatureVerifier
    /// Guilds allowed to use commands (`DISCORD_GUILD_IDS`); empty = any. Never applied to PING.
    public var guildAllowList: Set<String>
    /// A reply not ready by then is deferred and finished by editing the original message.
    public var deferAfter: Duration
    public var timeZone: TimeZone
    public var defaultCluster: String
    /// Live load and memory for `/inspect` (`SLURMBOT_NODE_PROBE`); nil shows Slurm's figures.
    public var nodeProbe: (any NodeProbe)?
    /// Commands only members with one of these roles may use (`DISCORD_INSPECT_ROLES` for `/inspect`, which can
    /// run the probe on the cluster); a command not listed is open to all.
    public var commandRoles: [String: Set<String>]
    /// Who answers `/ask` (`SLURMBOT_ANALYST`).
    public var analyst: any Analyst

    public init(
        interactionsPath: String = "/interactions", verifier: SignatureVerifier, guildAllowList: Set<String> = [],
        deferAfter: Duration = .seconds(2), timeZone: TimeZone = .current, defaultCluster: String = "default",
        nodeProbe: (any NodeProbe)? = nil, commandRoles: [String: Set<String>] = [:],
        analyst: any Analyst = BuiltInAnalyst()
    ) {
        self.analyst = analyst
        self.nodeProbe = nodeProbe
        self.commandRoles = commandRoles
        self.interactionsPath = interactionsPath
        self.verifier = verifier
        self.guildAllowList = guildAllowList
        self.deferAfter = deferAfter
        self.timeZone = timeZone
        self.defaultCluster = defaultCluster
    }
}

/// The Discord interactions endpoint: checks every request's signature over the raw body before anything else,
/// answers PING, runs commands (deferring the slow ones, and those with files, and finishing them through Discord's
/// API), and serves `/healthz` and `/metrics`.
///
/// Users see short ephemeral messages for problems; details go to the log only.
public final class InteractionEndpoint: HTTPResponder {
    private let configuration: EndpointConfiguration
    private let commands: CommandTable
    private let database: Database?
    private let discord: DiscordClient
    public let metrics: EndpointMetrics
    private let deferred = DeferredReplies()
    private let logger: Logger
    private let now: @Sendable () -> Int64
    /// MCP's Streamable HTTP at `/mcp`, when the site turned it on (`SLURMBOT_MCP_TOKEN`).
    private let mcp: (any HTTPResponder)?

    /// - Parameter mcp: what answers `/mcp`; nil answers it 404, as any unknown path.
    public init(
        configuration: EndpointConfiguration, commands: CommandTable = .standard, database: Database?,
        discord: DiscordClient, metrics: EndpointMetrics = EndpointMetrics(), logger: Logger,
        mcp: (any HTTPResponder)? = nil,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.mcp = mcp
        self.configuration = configuration
        self.commands = commands
        self.database = database
        self.discord = discord
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Deferred replies still being finished.
    public var deferredInFlight: Int { deferred.count }

    /// Waits for deferred replies to be delivered (at shutdown), at most `timeout`.
    public func finishDeferredReplies(timeout: Duration) async {
        await deferred.waitForAll(timeout: timeout)
    }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let (route, response) = await route(request)
        metrics.request(route: route, status: response.status.code, duration: ContinuousClock.now - started)
        return response
    }

    private func route(_ request: HTTPRequest) async -> (String, HTTPResponse) {
        switch request.path {
        case Substring(configuration.interactionsPath):
            guard request.method == "POST" else {
                return ("interactions", HTTPResponse(status: .methodNotAllowed, headers: ["Allow": "POST"]))
            }
            return ("interactions", await interaction(request))
        case "/healthz":
            guard request.method == "GET" || request.method == "HEAD" else {
                return ("healthz", HTTPResponse(status: .methodNotAllowed, headers: ["Allow": "GET, HEAD"]))
            }
            let health = await HealthCheck(database: database).check(now: now())
            return ("healthz", Self.json(health.healthy ? .ok : .serviceUnavailable, health.json))
        case "/metrics":
            guard request.method == "GET" else {
                return ("metrics", HTTPResponse(status: .methodNotAllowed, headers: ["Allow": "GET"]))
            }
            return (
                "metrics",
                HTTPResponse(
                    status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                    body: Array(metrics.render().utf8))
            )
        case "/mcp" where mcp != nil:
            return ("mcp", await mcp!.respond(to: request))
        default:
            return ("other", .text(.notFound, "not found"))
        }
    }

    // MARK: - Interactions

    private func interaction(_ request: HTTPRequest) async -> HTTPResponse {
        // A repeated signature header is ambiguous: which one would a proxy have checked? Refuse it.
        let signatures = request.headers.values("X-Signature-Ed25519")
        let timestamps = request.headers.values("X-Signature-Timestamp")
        let verdict = configuration.verifier.verify(
            signature: signatures.count == 1 ? signatures[0] : nil,
            timestamp: timestamps.count == 1 ? timestamps[0] : nil,
            body: request.body, now: now())
        if case .invalid(let reason) = verdict {
            metrics.signatureFailure()
            logger.info("refused an interaction", metadata: ["reason": "\(reason)"])
            return .text(.unauthorized, "invalid request signature")
        }
        let interaction: Interaction
        do {
            interaction = try JSONDecoder().decode(Interaction.self, from: Data(request.body))
        } catch {
            logger.warning("a signed interaction is not valid JSON", metadata: ["error": "\(error)"])
            return .text(.badRequest, "malformed interaction")
        }
        if interaction.type == .ping { return Self.json(.pong) }
        if !configuration.guildAllowList.isEmpty && !configuration.guildAllowList.contains(interaction.guildID ?? "") {
            return Self.json(.message(Reply.problem("slurmbot is not enabled for this server.").message))
        }
        switch interaction.type {
        case .applicationCommand:
            return await command(interaction)
        case .autocomplete:
            let focused = interaction.data?.options?.first { $0.focused == true }
            let choices = await Suggestions.choices(
                context(for: interaction), option: focused?.name ?? "", typed: focused?.value?.string ?? "")
            return Self.json(.choices(choices))
        case .messageComponent:
            return await component(interaction)
        default:
            logger.warning("an interaction of an unknown type", metadata: ["type": "\(interaction.type.rawValue)"])
            return .text(.badRequest, "unsupported interaction type \(interaction.type.rawValue)")
        }
    }

    private func command(_ interaction: Interaction) async -> HTTPResponse {
        let name = interaction.data?.name ?? ""
        guard let handler = commands.handler(named: name) else {
            // A command registered by another build of the bot, or a forged name.
            return Self.json(.message(Reply.problem("Unknown command; /help lists what this bot answers.").message))
        }
        if let roles = configuration.commandRoles[name], !roles.isEmpty,
            roles.isDisjoint(with: interaction.member?.roles ?? [])
        {
            return Self.json(.message(Reply.problem("/\(name) is for members with an admin-chosen role here.").message))
        }
        metrics.command(name)
        let context = context(for: interaction)
        return await answerOrDefer(interaction, work: run(handler, context, named: name), named: name) { reply in
            .message(reply.message)
        } deferred: {
            .deferred(ephemeral: handler.ephemeral)
        }
    }

    private func context(for interaction: Interaction, options: [String: OptionValue]? = nil) -> CommandContext {
        CommandContext(
            interaction: interaction, database: database, now: now(), timeZone: configuration.timeZone,
            defaultCluster: configuration.defaultCluster, nodeProbe: configuration.nodeProbe,
            analyst: configuration.analyst, options: options)
    }

    /// A Refresh button: the same command with the options its id carries, updating the message in place.
    private func component(_ interaction: Interaction) async -> HTTPResponse {
        guard let id = interaction.data?.customID, let refresh = RefreshButton.parse(id),
            let handler = commands.handler(named: refresh.command)
        else { return Self.json(.message(Reply.problem("That button is not supported by this version.").message)) }
        metrics.command(refresh.command + " (refresh)")
        let context = context(for: interaction, options: refresh.options.mapValues { .string($0) })
        // A problem (the cluster vanished, say) goes to the clicker alone; the message stays as it was.
        return await answerOrDefer(
            interaction, work: run(handler, context, named: refresh.command),
            named: refresh.command
        ) {
            reply in
            reply.ephemeral ? .message(reply.message) : .update(reply.message)
        } deferred: {
            InteractionResponse(type: .deferredUpdateMessage)
        }
    }

    /// Starts the handler; a failure on our side goes to the log, where the user's message says it is.
    private func run(_ handler: any SlashCommand, _ context: CommandContext, named name: String) -> Task<Reply, Never> {
        let logger = self.logger
        return Task {
            let reply = await handler.run(context)
            if let failure = reply.failure {
                logger.error("a command failed", metadata: ["command": "\(name)", "error": "\(failure)"])
            }
            return reply
        }
    }

    /// Answers with the reply if it is ready within about 2 s and has no files; else answers `deferred` now and
    /// finishes by editing the original message through Discord's API (files need that edit).
    private func answerOrDefer(
        _ interaction: Interaction, work: Task<Reply, Never>, named name: String,
        immediate: (Reply) -> InteractionResponse, deferred response: () -> InteractionResponse
    ) async -> HTTPResponse {
        if let reply = await value(of: work, within: configuration.deferAfter), reply.files.isEmpty {
            return Self.json(immediate(reply))
        }
        metrics.deferredStarted()
        let (discord, metrics, logger) = (self.discord, self.metrics, self.logger)
        deferred.start {
            let reply = await work.value
            do {
                try await discord.editOriginalResponse(
                    applicationID: interaction.applicationID, interactionToken: interaction.token,
                    message: reply.message,
                    files: reply.files)
            } catch {
                metrics.followUpFailure()
                logger.error(
                    "a deferred reply could not be delivered", metadata: ["command": "\(name)", "error": "\(error)"])
            }
            metrics.deferredFinished()
        }
        return Self.json(response())
    }

    static func json(_ response: InteractionResponse) -> HTTPResponse {
        let body = (try? JSONEncoder().encode(response)).map { Array($0) } ?? Array(#"{"type":1}"#.utf8)
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: body)
    }

    static func json(_ status: HTTPStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }
}
