import ArgumentParser
import Commands
import DiscordModels
import DiscordAPI
import Foundation
import Poller
import SlurmbotSettings

struct RegisterCommandsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register-commands",
        abstract: "Register slurmbot's slash commands with Discord (the whole set, in one request).",
        discussion: """
            Needs DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN (or DISCORD_BOT_TOKEN_FILE). With --guild the commands
            appear in that server at once; without, globally (Discord can take up to an hour to show them
            everywhere). --dry-run prints what would be sent and sends nothing.

            Exit status: 0 registered (or printed), 1 Discord refused or could not be reached, 2 bad configuration.
            """
    )

    @Option(help: "Register in this guild (server) only, for instant updates while testing.")
    var guild: String?

    @Flag(help: "Print the JSON that would be sent; send nothing.")
    var dryRun = false

    func run() async throws {
        let commands = CommandTable.standard.definitions
        let problems = commands.flatMap(\.problems)
        guard problems.isEmpty else {
            FileHandle.standardError.write(
                Data(
                    ("slurmbot register-commands: Discord would refuse:\n" + problems.joined(separator: "\n") + "\n")
                        .utf8))
            throw ExitCode(2)
        }
        if let guild, !Settings.isSnowflake(guild) { throw ValidationError("--guild takes a guild id (digits)") }
        if dryRun {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(commands), as: UTF8.self))
            return
        }
        let settings = try await Settings.load()
        guard let application = settings["DISCORD_APPLICATION_ID"], Settings.isSnowflake(application) else {
            FileHandle.standardError.write(
                Data("slurmbot register-commands: set DISCORD_APPLICATION_ID (the application id, digits)\n".utf8))
            throw ExitCode(2)
        }
        guard let token = settings.secret("DISCORD_BOT_TOKEN") else {
            FileHandle.standardError.write(
                Data("slurmbot register-commands: set DISCORD_BOT_TOKEN or DISCORD_BOT_TOKEN_FILE\n".utf8))
            throw ExitCode(2)
        }
        let client = DiscordClient(baseURL: settings.discordAPIBase, botToken: token)
        do {
            let stored = try await client.replaceCommands(
                applicationID: application, guildID: guild, commands: commands)
            let names = commands.map { "/\($0.name)" }.joined(separator: " ")
            if let guild {
                print("Registered \(stored.count) commands in guild \(guild); they are usable now: \(names)")
            } else {
                print(
                    "Registered \(stored.count) commands globally (Discord can take up to an hour to show them): \(names)"
                )
            }
        } catch {
            FileHandle.standardError.write(Data("slurmbot register-commands: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
