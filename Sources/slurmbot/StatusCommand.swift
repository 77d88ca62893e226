import ArgumentParser
import Foundation
import Poller
import Reports
import SlurmKit
import Store

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Print a plain-text status of a cluster from the database.")

    @Option(help: "SQLite database path. Default: $SLURMBOT_DB or data/slurmbot.db.")
    var db: String?

    @Option(help: "Cluster name. Default: the only cluster in the database, or $SLURMBOT_CLUSTER.")
    var cluster: String?

    func run() throws {
        let settings = Settings()
        let path = db ?? settings.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path); run slurmbot-poller first")
        }
        print(
            try StatusLoader.load(path: path, cluster: cluster ?? settings["SLURMBOT_CLUSTER"], settings: settings),
            terminator: "")
    }
}

/// Reads what the status report needs from the store.
enum StatusLoader {
    static func load(path: String, cluster requested: String?, settings: Settings) throws -> String {
        let database = try Database(path: path, readOnly: true)
        return try database.sync { connection in
            let clusters = try connection.clusters()
            guard !clusters.isEmpty else { return "No polls in the database yet.\n" }
            let cluster = requested ?? (clusters.count == 1 ? clusters[0] : settings.cluster)
            guard clusters.contains(cluster) else {
                return "No polls for cluster \(cluster) (known: \(clusters.joined(separator: ", "))).\n"
            }
            let success = try connection.latestSuccessfulPoll(cluster: cluster)
            let latest = try connection.latestPoll(cluster: cluster)
            let jobs = try connection.jobs(cluster: cluster, filter: JobFilter(limit: 1_000_000)).map(\.job)
            let report = StatusReport(
                cluster: cluster,
                now: Int64(Date().timeIntervalSince1970),
                timeZone: settings.timeZone,
                slurmVersion: success?.slurmVersion,
                snapshotTime: success?.snapshotAt,
                latestPoll: latest.map { .init(time: $0.startedAt, ok: $0.ok, error: $0.error) },
                failuresSinceSuccess: try connection.failuresSinceLastSuccess(cluster: cluster).count,
                usage: try connection.latestUsage(cluster: cluster),
                partitions: try connection.currentPartitions(cluster: cluster),
                nodes: try connection.currentNodes(cluster: cluster),
                jobs: jobs
            )
            return report.render()
        }
    }
}
