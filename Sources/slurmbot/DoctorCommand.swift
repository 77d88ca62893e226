import ArgumentParser
import Foundation
import SlurmbotSettings

/// `slurmbot doctor`: every part of a set-up checked in order, one line each, with the fix for what fails.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the set-up: settings, database, the SSH path hop by hop, Discord, alerts, the analyst.",
        discussion: """
            Reads the same settings as the other binaries (.env, or SLURMBOT_ENV_FILE). Each check prints ✓ or ✗ \
            (with the fix), or · when it is not configured or not reached. Exit status 0 only when nothing failed. \
            It sends nothing to Discord: it reads the application, the registered commands and the channels.
            """)

    @Option(help: "SQLite database path. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    @Option(help: "Guild the commands were registered in (register-commands --guild); default: the global list.")
    var guild: String?

    @Flag(help: "Skip the SSH path (for the server's machine, which never connects to the cluster).")
    var noSSH = false

    func run() async throws {
        let settings = try await Settings.load()
        var lines = DoctorChecks.settings(settings)
        lines += DoctorChecks.database(path: db ?? settings.databasePath, settings: settings)
        if !noSSH { lines += await DoctorChecks.sshPath(settings) }
        lines += await DoctorChecks.discord(settings, guild: guild)
        lines += DoctorChecks.analyst(settings)
        for line in lines { print(line.text) }
        let failed = lines.filter { $0.outcome == .failed }.count
        print(failed == 0 ? "All checks passed." : "\(failed) of \(lines.count) checks failed.")
        if failed > 0 { throw ExitCode(1) }
    }
}
