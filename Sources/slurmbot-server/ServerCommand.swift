import ArgumentParser
import CoreMetrics
import DiscordAPI
import DiscordModels
import Dispatch
import Endpoint
import Foundation
import HTTPServer
import Logging
import MCPServer
import SlurmbotSettings
import Store

#if canImport(Glibc)
    import Glibc
#endif

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurmbot-server",
        abstract: "Serve Discord's interactions endpoint: signed requests in, slash command answers out.",
        discussion: """
            Put it behind Caddy (see Caddyfile) and give Discord the public URL of SLURMBOT_INTERACTIONS_PATH.
            Every request's Ed25519 signature is checked (DISCORD_PUBLIC_KEY); unsigned or mis-signed requests get 401.
            Answers come from the database the poller fills; only /watch and /unwatch write to it (the poller sends
            the alerts). Also serves /healthz and /metrics.

            Settings (flags win, then the environment, then .env): SLURMBOT_LISTEN, SLURMBOT_INTERACTIONS_PATH,
            DISCORD_PUBLIC_KEY, DISCORD_TIMESTAMP_WINDOW, DISCORD_GUILD_IDS, DISCORD_API_BASE, SLURMBOT_DB,
            SLURMBOT_CLUSTER, SLURMBOT_TIMEZONE, SLURMBOT_NODE_PROBE (with SLURM_SOURCE and the SLURM_SSH_* names it
            runs through), SLURMBOT_NODE_PROBE_TIMEOUT, DISCORD_INSPECT_ROLES, and the analyst's SLURMBOT_ANALYST,
            GEMINI_*, OPENAI_*, SLURMBOT_AI_ANONYMIZE. SIGTERM or SIGINT: stop accepting, finish what is in flight, exit.

            Exit status: 0 stopped cleanly, 2 bad configuration, 3 cannot listen.
            """
    )

    @Option(help: "HOST:PORT or [IPv6]:PORT to listen on. Default: $SLURMBOT_LISTEN or 127.0.0.1:8080.")
    var listen: String?

    @Option(help: "SQLite database the poller writes. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "slurmbot.server")
        let settings = try await Settings.load()
        let endpointConfiguration: EndpointConfiguration
        let address: (host: String, port: Int)
        let mcpAccess: (token: String, origins: Set<String>, submitter: JobSubmitter?)?
        do {
            let key = try settings.discordPublicKey()
            guard let verifier = SignatureVerifier(publicKeyHex: key, window: try settings.timestampWindow()) else {
                throw SettingsError("DISCORD_PUBLIC_KEY is not a usable Ed25519 public key")
            }
            address =
                try listen.map { text throws(SettingsError) in
                    guard let parsed = Settings.parseListenAddress(text) else {
                        throw SettingsError("--listen must be HOST:PORT or [IPv6]:PORT, got '\(text)'")
                    }
                    return parsed
                } ?? settings.listenAddress()
            endpointConfiguration = EndpointConfiguration(
                interactionsPath: try settings.interactionsPath(), verifier: verifier,
                guildAllowList: try settings.guildIDs(),
                timeZone: settings.timeZone, defaultCluster: settings.cluster,
                nodeProbe: try settings.nodeProbe(logger: logger),
                commandRoles: ["inspect": try settings.inspectRoles()], analyst: try settings.analyst(logger: logger))
            mcpAccess = try settings.mcpToken().map {
                (
                    $0, try settings.mcpOrigins(),
                    try settings.mcpSubmitRunner(logger: logger).map {
                        JobSubmitter(cluster: settings.cluster, runner: $0, logger: logger)
                    }
                )
            }
        } catch {
            FileHandle.standardError.write(Data("slurmbot-server: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let path = db ?? settings.databasePath
        var database: Database?
        if !FileManager.default.fileExists(atPath: path) {
            logger.warning(
                "no database at \(path) yet (the poller creates it on its first poll): only PING and /help will answer")
        } else {
            do {
                // Writable for /watch and /unwatch; everything else reads on four read-only connections, so a
                // slow history query never holds up a /status (SQLite waits on the disk, not only the CPU).
                database = try Database(path: path, readers: 4)
            } catch {
                logger.error("cannot use the database at \(path): \(error); only PING and /help will answer")
            }
        }
        // One registry for `/metrics`, process-wide, so every subsystem records into what the endpoint renders.
        let metrics = EndpointMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        var mcp: MCPHTTPRoute?
        if let mcpAccess, let database {
            let tools = ClusterTools(
                database: database, defaultCluster: settings.cluster, timeZone: settings.timeZone, logger: logger,
                submitter: mcpAccess.submitter)
            mcp = MCPHTTPRoute(tools: tools, token: mcpAccess.token, origins: mcpAccess.origins, logger: logger)
            logger.info("MCP over Streamable HTTP at /mcp, for bearers of SLURMBOT_MCP_TOKEN")
        } else if mcpAccess != nil {
            logger.warning("SLURMBOT_MCP_TOKEN is set but there is no database: /mcp stays off")
        }
        let endpoint = InteractionEndpoint(
            configuration: endpointConfiguration, database: database,
            discord: DiscordClient(baseURL: settings.discordAPIBase), metrics: metrics, logger: logger, mcp: mcp)
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: HTTPServerConfiguration(host: address.host, port: address.port),
                responder: endpoint, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("slurmbot-server: \(error)\n".utf8))
            throw ExitCode(3)
        }
        let shown = address.host.contains(":") ? "[\(address.host)]" : address.host
        FileHandle.standardOutput.write(
            Data(
                "slurmbot-server: listening on http://\(shown):\(server.port)\(endpointConfiguration.interactionsPath)\n"
                    .utf8))
        let signalName = await Self.waitForTermination()
        logger.notice("\(signalName): stopping; finishing requests and deferred replies in flight")
        await server.shutdown(grace: .seconds(10))
        await endpoint.finishDeferredReplies(timeout: .seconds(15))
        logger.notice("stopped")
    }

    /// Waits for SIGTERM or SIGINT and says which came.
    static func waitForTermination() async -> String {
        await withCheckedContinuation { continuation in
            let queue = DispatchQueue(label: "slurmbot.signals")
            let once = SignalOnce(continuation)
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { once.resume(name) }
                source.resume()
                once.keep(source)
            }
        }
    }
}

/// Resumes the waiting task on the first signal only, and keeps the signal sources alive meanwhile.
private final class SignalOnce: @unchecked Sendable {
    // Touched only on the serial "slurmbot.signals" queue, and by `keep` before any signal can arrive.
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) {
        self.continuation = continuation
    }

    func keep(_ source: any DispatchSourceSignal) {
        sources.append(source)
    }

    func resume(_ name: String) {
        continuation?.resume(returning: name)
        continuation = nil
    }
}
