import ArgumentParser
import Commands
import DiscordModels
import Foundation
import Logging
import Poller
import SlurmKit
import SlurmbotSettings
import Store

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Run a slash command against a database and print its answer; charts are written as PNG files.",
        discussion: """
            The command is typed as in Discord, options as name:value, quoted when they hold spaces or colons:
              slurmbot render "/status partition:gpu"
              slurmbot render "/history hours:48 metric:gpus" --out charts
              slurmbot render '/canrun cpus:16 gpus:1 time:"4:00:00"'
            It runs the same handler the Discord endpoint runs, on the same checks of its options; /inspect reads
            the node live when SLURMBOT_NODE_PROBE is set, as the server does.
            """
    )

    @Argument(help: "The slash command, quoted as one argument.")
    var command: String

    @Option(help: "SQLite database path. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    @Option(help: "Cluster to use when the command names none. Default: $SLURMBOT_CLUSTER or the only one.")
    var cluster: String?

    @Option(help: "Folder for the attached files (PNG charts).")
    var out = "."

    @Flag(help: "Print the message as the JSON Discord would receive, instead of as text.")
    var json = false

    func run() async throws {
        let typed: TypedCommand
        do {
            typed = try TypedCommand(parsing: command)
        } catch {
            throw ValidationError(error.description)
        }
        let settings = try await Settings.load()
        let path = db ?? settings.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path); run slurmbot-poller (or slurmbot demo) first")
        }
        // TypedCommand checked the name against the catalog, and every command there has a handler.
        guard let handler = CommandTable.standard.handler(named: typed.name) else {
            preconditionFailure("/\(typed.name) is in the catalog without a handler")
        }
        let body = typed.interactionJSON(id: "0", token: "render", applicationID: "0", guild: "0", user: "0")
        let interaction = try JSONDecoder().decode(Interaction.self, from: Data(body))
        let probe: (any NodeProbe)?
        do {
            probe = typed.name == "inspect" ? try settings.nodeProbe(logger: Logger(label: "slurmbot.render")) : nil
        } catch {
            throw ValidationError(error.description)
        }
        let context = CommandContext(
            interaction: interaction, database: try Database(path: path, readOnly: true),
            now: Int64(Date().timeIntervalSince1970), timeZone: settings.timeZone,
            defaultCluster: cluster ?? settings.cluster, nodeProbe: probe)
        let reply = await handler.run(context)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reply.message), as: UTF8.self))
        } else {
            print(
                ReplyText.render(
                    reply.message, ephemeral: reply.ephemeral, now: context.now, timeZone: settings.timeZone),
                terminator: "")
        }
        if !reply.files.isEmpty {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        }
        for file in reply.files {
            let target = (out as NSString).appendingPathComponent(file.filename)
            try Data(file.data).write(to: URL(fileURLWithPath: target))
            FileHandle.standardError.write(Data("wrote \(target) (\(file.data.count / 1024) KB)\n".utf8))
        }
        if let failure = reply.failure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}
