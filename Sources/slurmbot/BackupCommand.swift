import ArgumentParser
import Foundation
import SlurmbotSettings
import Store

/// `slurmbot backup --to FILE`: a consistent copy of the database while the poller and the server keep working.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database, online and consistent, to a new file (SQLite's backup API).",
        discussion: """
            Safe while slurmbot-poller writes and slurmbot-server reads: the copy is one consistent moment. It is \
            checked (PRAGMA integrity_check) before it gets its name; FILE must not exist. To restore, stop the \
            poller and the server, put the copy at SLURMBOT_DB (remove the old file's -wal and -shm), start them.
            """)

    @Option(help: "SQLite database path. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    @Option(help: "The new file to write.")
    var to: String

    func run() async throws {
        let settings = try await Settings.load()
        let path = db ?? settings.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path); nothing to back up")
        }
        guard !FileManager.default.fileExists(atPath: to) else {
            throw ValidationError("\(to) exists already; give a new file name")
        }
        let started = Date()
        let report = try Connection(path: path, readOnly: true).backup(to: to)
        let seconds = Date().timeIntervalSince(started)
        print(
            "Backed up \(path) to \(to): \(ByteCountFormatter.string(fromByteCount: Int64(report.bytes), countStyle: .file)), "
                + "schema version \(report.schemaVersion), integrity \(report.integrity), "
                + String(format: "%.2f s.", seconds))
    }
}
