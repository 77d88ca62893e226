package import ClusterFacts
import DiscordModels
import Foundation
import Reports
package import SlurmKit
package import Store
import WallTime

/// The cluster a command is about, and how fresh the data on it is: every reply says so.
package struct ClusterScope {
    package let cluster: String
    /// The data's age and the poller's trouble, as every front end tells them.
    package let health: PollHealth

    /// The newest good snapshot's time; nil when no poll has succeeded yet.
    package var snapshotAt: Int64? { health.snapshotAt }

    /// The cluster asked for, else the only one, else the configured default; or the message to show instead.
    package static func resolve(_ connection: Connection, requested: String?, defaultCluster: String) throws -> Result<
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

    /// "as of Wed 14:05 UTC (2 min ago)", with a warning when it is stale or the last poll failed: for charts,
    /// whose text cannot hold Discord's timestamps (their title names the cluster).
    func chartNote(now: Int64, timeZone: TimeZone) -> String {
        guard let snapshotAt else { return "no successful poll yet" }
        let taken = health.ourTime(snapshotAt)
        return "as of \(Self.clock(taken, timeZone)) (\(Self.ago(taken, now: now)))" + warnings(now: now)
    }

    /// Puts the data's age on `embed`: Discord shows the embed's timestamp in each reader's zone beside the footer
    /// ("cluster demo · data as of · Today at 14:05"); the colour turns grey when the data needs attention.
    func sign(_ embed: inout Embed, now: Int64) {
        embed.color = Embed.color(stale: isStale(now: now))
        guard let snapshotAt else {
            embed.footer = .init(text: "cluster \(cluster) · no successful poll yet")
            return
        }
        embed.footer = .init(text: "cluster \(cluster) · data as of" + warnings(now: now))
        embed.timestamp = WallClock.iso8601(health.ourTime(snapshotAt))
    }

    /// " · STALE: 2 h 5 min old · last poll failed 4 min ago: …", or nothing when all is well.
    private func warnings(now: Int64) -> String {
        var text = ""
        if health.isStale(now: now), let age = health.age(now: now) {
            text += " · STALE: \(DurationWords.text(age)) old"
        }
        if health.headClockAhead != 0 {
            let ahead = health.headClockAhead
            text += " · the head node's clock runs \(DurationWords.text(abs(ahead))) \(ahead > 0 ? "ahead" : "behind")"
        }
        if let poll = health.lastAttempt, !poll.ok {
            text +=
                " · last poll failed \(Self.ago(poll.startedAt, now: now)): "
                + String((poll.error ?? "unknown").prefix(300))
        }
        return text
    }

    /// "just now", "4 min ago", "2 h 5 min ago"; "just now" for a moment a little ahead of `now` too.
    static func ago(_ time: Int64, now: Int64) -> String {
        let seconds = now - time
        return seconds < 60 ? "just now" : DurationWords.text(seconds) + " ago"
    }

    /// A moment Slurm printed, as Discord shows it to each reader: "2 December 2026 14:05 (5 minutes ago)", on our
    /// clock whatever the head node's says.
    func moment(_ headTime: Int64) -> String {
        DiscordTimestamp.moment(health.ourTime(headTime))
    }

    /// A moment Slurm printed as "5 minutes ago" or "in 2 hours", in each reader's language.
    func relative(_ headTime: Int64) -> String {
        DiscordTimestamp.markup(health.ourTime(headTime), .relative)
    }

    /// How long ago Slurm's `headTime` was, when the snapshot was taken: both on the head node's clock, so never
    /// thrown by ours.
    func elapsed(since headTime: Int64) -> String {
        DurationWords.text((snapshotAt ?? headTime) - headTime)
    }

    /// What every command but /status says before the first good poll: nothing to answer from, and why.
    package func noDataYet() -> String {
        var text = "No data on cluster \(cluster) yet: no poll has succeeded."
        if let poll = health.lastAttempt, !poll.ok {
            text +=
                " The last attempt (\(DiscordTimestamp.moment(poll.startedAt))) failed: "
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
package struct Refusal: Error {
    package var message: String
    package var suggest: [String] = []

    package init(_ message: String, suggest: [String] = []) {
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
        let defaultCluster = self.defaultCluster
        let outcome: Result<T, EarlyReply>
        do {
            let work: @Sendable (Connection) throws -> Result<T, EarlyReply> = { connection in
                switch try ClusterScope.resolve(connection, requested: requested, defaultCluster: defaultCluster) {
                case .failure(let refusal): return .failure(EarlyReply(.problem(refusal.message)))
                case .success(let scope) where scope.snapshotAt == nil:
                    return .failure(EarlyReply(.problem(scope.noDataYet())))
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
    /// Grey when the data needs attention (stale, or the last poll failed), Discord's blurple otherwise: green,
    /// yellow and red are kept for the cluster's own state (`TrafficLight`, on `/status`), so a colour means one
    /// thing wherever it shows.
    static func color(stale: Bool) -> Int { stale ? untrusted : 0x5865F2 }

    /// The colour of answers from data that needs attention.
    static let untrusted = 0x95A5A6
}

extension ClusterScope {
    /// The cluster's partitions in Slurm's order; a `partition` it does not have is refused.
    package func partitions(_ connection: Connection, checking partition: String?) throws -> [Partition] {
        let partitions = try connection.currentPartitions(cluster: cluster)
        if let partition, !partitions.contains(where: { $0.name == partition }) {
            throw Refusal("No partition \(partition) in cluster \(cluster).")
        }
        return partitions
    }
}

extension ClusterScope {
    /// The facts of the cluster's newest snapshot; a `partition` it does not have is refused.
    package func facts(_ connection: Connection, checking partition: String?) throws -> ClusterFacts {
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
