import Foundation
public import Store

/// `/healthz`: 200 while the database can be read, with each cluster's age of data; 503 when it cannot.
public struct HealthCheck: Sendable {
    public let database: Database?

    public init(database: Database?) {
        self.database = database
    }

    public func check(now: Int64) async -> (healthy: Bool, json: String) {
        guard let database else { return (false, #"{"status":"error","error":"no database configured"}"#) }
        do {
            let clusters = try await database.run { connection in
                try connection.clusters().map { cluster in
                    (
                        cluster, try connection.latestSuccessfulPoll(cluster: cluster),
                        try connection.latestPoll(cluster: cluster)
                    )
                }
            }
            let entries = clusters.map { cluster, success, latest in
                let age = success.map { String(max(0, now - $0.finishedAt)) } ?? "null"
                return
                    #"{"cluster":"\#(cluster)","last_success_age_seconds":\#(age),"last_poll_ok":\#(latest?.ok ?? false)}"#
            }
            return (true, #"{"status":"ok","clusters":[\#(entries.joined(separator: ","))]}"#)
        } catch {
            return (false, #"{"status":"error","error":"the database cannot be read"}"#)
        }
    }
}
