import ArgumentParser
import Commands
import Foundation
import Poller
import SlurmbotSettings
import Reports
import Store

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Print a plain-text status of a cluster from the database.")

    @Option(help: "SQLite database path. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    @Option(help: "Cluster name. Default: the only cluster in the database, or $SLURMBOT_CLUSTER.")
    var cluster: String?

    func run() async throws {
        let settings = try await Settings.load()
        let path = db ?? settings.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path); run slurmbot-poller first")
        }
        print(
            try StatusLoading.load(path: path, cluster: cluster ?? settings["SLURMBOT_CLUSTER"], settings: settings),
            terminator: "")
    }
}

/// The status text of one cluster, read from the database at `path`.
enum StatusLoading {
    static func load(path: String, cluster requested: String?, settings: Settings) throws -> String {
        let database = try Database(path: path, readOnly: true)
        return try database.sync { connection in
            let status = try StatusLoader.load(
                connection, cluster: requested, defaultCluster: settings.cluster, timeZone: settings.timeZone,
                now: Int64(Date().timeIntervalSince1970))
            guard case .report(let report) = status,
                let alerts = try connection.outboxSummary(cluster: report.cluster).line
            else { return status.text }
            return status.text + alerts + "\n"
        }
    }
}
