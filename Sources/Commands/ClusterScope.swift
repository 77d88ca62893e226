import ClusterFacts
import DiscordModels
import Foundation
import Reports
import SlurmKit
import Store
import WallTime

/// The cluster a command is about, and how fresh the data on it is: every reply says so.
struct ClusterScope {
    let cluster: String
    /// The data's age and the poller's trouble, as every front end tells them.
    let health: PollHealth

    /// The newest good snapshot's time; nil when no poll has succeeded yet.
    var snapshotAt: Int64? { health.snapshotAt }

    /// The cluster asked for, else the only one, else the configured default; or the message to show instead.
    static func resolve(_ connection: Connection, requested: String?, defaultCluster: String) throws -> Result<
        ClusterScope, Refusal
    > {
        let clusters = try connection.clusters()
        guard !clusters.isEmpty else { return .failure(Refusal("No cluster data yet: the poller has not run.")) }
        let cluster = requested ?? (clusters.count == 1 ? clusters[0] : defaultCluster)
        guard clusters.contains(cluster) else {
            return .failure(
                Refusal("No cluster named \(cluster) (known: \(clusters.joined(separator: ", "))).", suggest: clusters))
        }
        return .success(
            ClusterScope(cluster: cluster, health: try connection.pollHealth(cluster: cluster)))
    }

    /// "cluster demo · data as of 14:05 UTC (2 min ago)", with a warning when it is stale or the last poll failed.
    func footer(now: Int64, timeZone: TimeZone) -> String {
        guard let snapshotAt else { return "cluster \(cluster) · no successful poll yet" }
        let report = StatusReport(
            cluster: cluster, now: now, timeZone: timeZone, snapshotTime: snapshotAt, latestPoll: nil,
            failuresSinceSuccess: 0, facts: nil)
        var text = "cluster \(cluster) · data as of \(Self.clock(snapshotAt, timeZone)) (\(report.ago(snapshotAt)))"
        if health.isStale(now: now) { text += " · STALE" }
        if let poll = health.lastAttempt, !poll.ok {
            text +=
                " · last poll failed \(report.ago(poll.startedAt)): " + String((poll.error ?? "unknown").prefix(300))
        }
        return text
    }

    /// What every command but /status says before the first good poll: nothing to answer from, and why.
    func noDataYet(timeZone: TimeZone) -> String {
        var text = "No data on cluster \(cluster) yet: no poll has succeeded."
        if let poll = health.lastAttempt, !poll.ok {
            text +=
                " The last attempt (\(Self.clock(poll.startedAt, timeZone))) failed: "
                + String((poll.error ?? "unknown").prefix(300))
        }
        return text
    }

    /// Whether the data is too old to trust at a glance (colours the embed).
    func isStale(now: Int64) -> Bool {
        health.needsAttention(now: now)
    }

    /// "Wed 14:05 UTC": the weekday, the time, and the zone's abbreviation at that moment (CET or CEST).
    static func clock(_ time: Int64, _ timeZone: TimeZone) -> String {
        let wall = WallClock(time, timeZone: timeZone)
        return "\(wall.weekday) \(wall.hoursMinutes) \(WallClock.zoneName(timeZone, at: time))"
    }
}

/// Why a command cannot answer: the message for the user.
struct Refusal: Error {
    var message: String
    var suggest: [String] = []

    init(_ message: String, suggest: [String] = []) {
        self.message = message
        self.suggest = suggest
    }
}

extension CommandContext {
    /// A name option (partition, node, user, cluster) checked against Slurm's strict pattern.
    func name(_ option: String) throws(Refusal) -> String? {
        guard let value = string(option) else { return nil }
        guard SlurmName.isValid(value) else {
            throw Refusal(
                "That \(option) name is not one Slurm would use: letters, digits, '.', '_' and '-' (not first) only.")
        }
        return value
    }

    /// Runs `body` on the store for the resolved cluster, turning refusals and store errors into replies.
    /// - Parameter writes: whether `body` writes (watches); bodies that only read run on a read-only connection,
    ///   beside other readers.
    func withCluster(
        writes: Bool = false, _ body: @escaping @Sendable (Connection, ClusterScope) throws -> Reply
    ) async -> Reply {
        do {
            return try await reading(writes: writes, body)
        } catch {
            return error.reply
        }
    }

    /// Reads what a command needs for the resolved cluster; refusals and store errors come back as the reply to
    /// send instead. Charts are read here and drawn afterwards, so a long render never holds the store.
    func reading<T: Sendable>(
        writes: Bool = false, _ body: @escaping @Sendable (Connection, ClusterScope) throws -> T
    ) async throws(EarlyReply) -> T {
        guard let database else { throw EarlyReply(.problem("This bot has no cluster data configured yet.")) }
        let requested: String?
        do {
            requested = try name("cluster")
        } catch {
            throw EarlyReply(.problem(error.message))
        }
        let (defaultCluster, timeZone) = (self.defaultCluster, self.timeZone)
        let outcome: Result<T, EarlyReply>
        do {
            let work: @Sendable (Connection) throws -> Result<T, EarlyReply> = { connection in
                switch try ClusterScope.resolve(connection, requested: requested, defaultCluster: defaultCluster) {
                case .failure(let refusal): return .failure(EarlyReply(.problem(refusal.message)))
                case .success(let scope) where scope.snapshotAt == nil:
                    return .failure(EarlyReply(.problem(scope.noDataYet(timeZone: timeZone))))
                case .success(let scope):
                    do {
                        return .success(try body(connection, scope))
                    } catch let refusal as Refusal {
                        return .failure(EarlyReply(.problem(refusal.message)))
                    }
                }
            }
            outcome = try await writes ? database.run(work) : database.read(work)
        } catch {
            throw EarlyReply(.storeFailure(error))
        }
        return try outcome.get()
    }
}

/// The reply a command gives before it has its data: a refusal, or the store failing.
struct EarlyReply: Error {
    var reply: Reply

    init(_ reply: Reply) { self.reply = reply }
}

extension Embed {
    /// Green when fresh, amber when stale or the last poll failed.
    static func color(stale: Bool) -> Int { stale ? 0xFEE75C : 0x57F287 }
}

extension ClusterScope {
    /// The cluster's partitions in Slurm's order; a `partition` it does not have is refused.
    func partitions(_ connection: Connection, checking partition: String?) throws -> [Partition] {
        let partitions = try connection.currentPartitions(cluster: cluster)
        if let partition, !partitions.contains(where: { $0.name == partition }) {
            throw Refusal("No partition \(partition) in cluster \(cluster).")
        }
        return partitions
    }
}

extension ClusterScope {
    /// The facts of the cluster's newest snapshot; a `partition` it does not have is refused.
    func facts(_ connection: Connection, checking partition: String?) throws -> ClusterFacts {
        guard let facts = try connection.latestFacts(cluster: cluster) else {
            throw Refusal(
                "The cluster facts of \(cluster) are not written yet: this version of slurmbot computes them at the "
                    + "next poll.")
        }
        if let partition, !facts.partitions.contains(where: { $0.name == partition }) {
            throw Refusal("No partition \(partition) in cluster \(cluster).")
        }
        return facts
    }
}
