import ClusterFacts
import Foundation
public import Store

/// `/healthz`: 200 while the database can be read, with each cluster's age of data; 503 when it cannot.
public struct HealthCheck: Sendable {
    public let database: Database?

    public init(database: Database?) {
        self.database = database
    }

    struct Report: Encodable {
        struct Cluster: Encodable {
            var cluster: String
            var lastSuccessAgeSeconds: Int64?
            var lastPollOK: Bool

            enum CodingKeys: String, CodingKey {
                case cluster
                case lastSuccessAgeSeconds = "last_success_age_seconds"
                case lastPollOK = "last_poll_ok"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(cluster, forKey: .cluster)
                try container.encode(lastSuccessAgeSeconds, forKey: .lastSuccessAgeSeconds)
                try container.encode(lastPollOK, forKey: .lastPollOK)
            }
        }

        var status: String
        var error: String?
        var clusters: [Cluster]?
    }

    public func check(now: Int64) async -> (healthy: Bool, json: String) {
        guard let database else {
            return (false, Self.encode(Report(status: "error", error: "no database configured")))
        }
        do {
            let clusters = try await database.read { connection in
                try connection.clusters().map { cluster in
                    let health = try connection.pollHealth(cluster: cluster)
                    return Report.Cluster(
                        cluster: cluster, lastSuccessAgeSeconds: health.lastSuccessAt.map { max(0, now - $0) },
                        lastPollOK: health.lastAttempt?.ok ?? false)
                }
            }
            return (true, Self.encode(Report(status: "ok", clusters: clusters)))
        } catch {
            return (false, Self.encode(Report(status: "error", error: "the database cannot be read")))
        }
    }

    private static func encode(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"status":"error"}"#
    }
}
