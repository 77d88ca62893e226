import ArgumentParser
import Foundation
import Logging
import MCP
import MCPServer
import SlurmbotSettings
import Store

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the cluster to AI agents over MCP on standard input and output.",
        discussion: """
            An MCP client starts this as a subprocess and speaks JSON-RPC on its standard input and output; the log
            goes to standard error. The tools only read the database the poller writes, for example:
              {"mcpServers": {"slurm": {"command": "slurmbot", "args": ["mcp", "--db", "/var/lib/slurmbot/slurmbot.db"]}}}
            The same tools are served over Streamable HTTP at /mcp by slurmbot-server when SLURMBOT_MCP_TOKEN is set.
            With SLURMBOT_MCP_ALLOW_SUBMIT=1, plan_job and submit_job hand jobs to sbatch where the poll runs.
            """
    )

    @Option(help: "SQLite database path. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    @Option(help: "Cluster to use when a call names none. Default: $SLURMBOT_CLUSTER or the only one.")
    var cluster: String?

    func run() async throws {
        // Standard output carries the protocol alone: every log line, ours and the libraries', goes to stderr.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "slurmbot.mcp")
        let settings = try await Settings.load()
        let path = db ?? settings.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path); run slurmbot-poller (or slurmbot demo) first")
        }
        let submitter: JobSubmitter?
        do {
            submitter = try settings.mcpSubmitRunner(logger: logger).map {
                JobSubmitter(cluster: cluster ?? settings.cluster, runner: $0, logger: logger)
            }
        } catch {
            throw ValidationError(error.description)
        }
        let tools = ClusterTools(
            database: try Database(path: path, readOnly: true), defaultCluster: cluster ?? settings.cluster,
            timeZone: settings.timeZone, logger: logger, submitter: submitter)
        let server = try await tools.serve(StdioTransport(logger: logger))
        logger.info(
            "serving MCP on standard input and output",
            metadata: ["db": "\(path)", "submit": "\(submitter.map { "on, to cluster \($0.cluster)" } ?? "off")"])
        await server.waitUntilCompleted()
    }
}
