import ClusterFacts
import Commands
import Foundation
import Logging
import MCP
import Store
import WallTime

/// What a tool may use: the store, read on a read-only connection beside the other readers (the cluster resolved
/// as the one asked for, else the only one, else the configured default, and refused in words when it cannot
/// answer); and, only when the site turned it on, the path that submits jobs.
struct ToolContext: Sendable {
    var database: Database
    var defaultCluster: String
    var now: @Sendable () -> Int64
    var logger: Logger
    var submitter: JobSubmitter?
    /// Who is calling, for the log of every submission: the MCP client's name (stdio) or its User-Agent (HTTP).
    var client: String = "unknown client"

    func read<T: Sendable>(
        cluster requested: String?, _ body: @escaping @Sendable (Connection, ClusterScope) throws -> T
    ) async throws(ToolFailure) -> (T, SnapshotScope) {
        let defaultCluster = self.defaultCluster
        let outcome: Result<(T, ClusterScope), ToolFailure>
        do {
            outcome = try await database.read { connection in
                switch try ClusterScope.resolve(connection, requested: requested, defaultCluster: defaultCluster) {
                case .failure(let refusal): return .failure(ToolFailure(message: refusal.message))
                case .success(let scope) where scope.snapshotAt == nil:
                    return .failure(ToolFailure(message: scope.noDataYet()))
                case .success(let scope):
                    do {
                        return .success((try body(connection, scope), scope))
                    } catch let refusal as Refusal {
                        return .failure(ToolFailure(message: refusal.message))
                    } catch let failure as ToolFailure {
                        return .failure(failure)
                    }
                }
            }
        } catch {
            logger.error("an MCP tool could not read the store", metadata: ["error": "\(error)"])
            throw ToolFailure(
                message: "The cluster data cannot be read right now; the admins can find why in the logs.")
        }
        let (value, scope) = try outcome.get()
        return (value, SnapshotScope(scope, now: now()))
    }
}

/// The snapshot an answer comes from, as every answer carries it: the cluster, when the data was taken (on our
/// clock), how old it is, and whether the poller is in trouble.
struct SnapshotScope: Sendable {
    var cluster: String
    var health: PollHealth
    var now: Int64

    init(_ scope: ClusterScope, now: Int64) {
        cluster = scope.cluster
        health = scope.health
        self.now = now
    }

    /// A moment Slurm printed (head node's clock), as ISO 8601 UTC on ours.
    func moment(_ headTime: Int64?) -> Value {
        headTime.map { .string(WallClock.iso8601(health.ourTime($0))) } ?? .null
    }

    var fields: [String: Value] {
        var fields: [String: Value] = [
            "cluster": .string(cluster), "data_as_of": moment(health.snapshotAt),
            "age_seconds": health.age(now: now).map { .int(Int($0)) } ?? .null,
            "stale": .bool(health.isStale(now: now)),
        ]
        if let version = health.slurmVersion { fields["slurm_version"] = .string(version) }
        if let poll = health.lastAttempt, !poll.ok {
            fields["last_poll_error"] = .string(String((poll.error ?? "unknown").prefix(300)))
        }
        return fields
    }
}

extension Value {
    /// An object without the keys whose value is nil.
    static func fields(_ pairs: KeyValuePairs<String, Value?>) -> Value {
        var object: [String: Value] = [:]
        for (key, value) in pairs { if let value { object[key] = value } }
        return .object(object)
    }

    static func count(_ number: Int?) -> Value? { number.map { .int($0) } }

    static func text(_ string: String?) -> Value? { string.map { .string($0) } }

    static func names(_ strings: [String]) -> Value { .array(strings.map(Value.string)) }
}
