public import ClusterFacts
public import Foundation
import SlurmKit
import WallTime

/// A plain-text status of one cluster (or one partition) from the facts of its newest snapshot: what `/status`
/// shows and `slurmbot status` prints.
public struct StatusReport: Sendable {
    /// One poll attempt, as the report needs it.
    public struct Poll: Sendable {
        public var time: Int64
        public var ok: Bool
        public var error: String?

        public init(time: Int64, ok: Bool, error: String? = nil) {
            self.time = time
            self.ok = ok
            self.error = error
        }
    }

    public var cluster: String
    public var now: Int64
    public var timeZone: TimeZone
    public var slurmVersion: String?
    /// The newest successful poll's snapshot time.
    public var snapshotTime: Int64?
    public var latestPoll: Poll?
    public var failuresSinceSuccess: Int
    /// The newest snapshot's facts; nil until a poll has stored them.
    public var facts: ClusterFacts?
    /// The one partition reported on; nil for the whole cluster.
    public var partition: String?
    /// A poll older than this many seconds is called stale.
    public var staleAfter: Int64
    /// The poller's health this report was made from, when it was (the data's age, on our clock).
    public var health: PollHealth?

    public init(
        cluster: String, now: Int64, timeZone: TimeZone, slurmVersion: String? = nil, snapshotTime: Int64?,
        latestPoll: Poll?, failuresSinceSuccess: Int, facts: ClusterFacts?, partition: String? = nil,
        staleAfter: Int64 = PollHealth.staleAfter
    ) {
        self.cluster = cluster
        self.now = now
        self.timeZone = timeZone
        self.slurmVersion = slurmVersion
        self.snapshotTime = snapshotTime
        self.latestPoll = latestPoll
        self.failuresSinceSuccess = failuresSinceSuccess
        self.facts = facts
        self.partition = partition
        self.staleAfter = staleAfter
    }

    /// The report of `health` and `facts`: what `/status` and `slurmbot status` show.
    public init(
        cluster: String, now: Int64, timeZone: TimeZone, health: PollHealth, facts: ClusterFacts?,
        partition: String? = nil
    ) {
        self.init(
            cluster: cluster, now: now, timeZone: timeZone, slurmVersion: health.slurmVersion,
            snapshotTime: health.snapshotAt,
            latestPoll: health.lastAttempt.map { .init(time: $0.startedAt, ok: $0.ok, error: $0.error) },
            failuresSinceSuccess: health.failuresSinceSuccess, facts: facts, partition: partition)
        self.health = health
    }

    /// No good snapshot, or one older than `staleAfter`: the report warns, and `/status` turns grey.
    public var isStale: Bool {
        health.map { $0.isStale(now: now) } ?? snapshotTime.map { now - $0 > staleAfter } ?? true
    }

    // MARK: - The facts in scope

    private var scope: String { partition ?? PartitionUsage.allPartitions }
    private var partitions: [ClusterFacts.PartitionInfo] {
        (facts?.partitions ?? []).filter { partition == nil || $0.name == partition }
    }
    private var usage: [PartitionUsage] {
        (facts?.usage ?? []).filter { partition == nil || $0.partition == partition }
    }
    private var troubled: [ClusterFacts.OutOfServiceNode] {
        (facts?.outOfService ?? []).filter { partition.map($0.partitions.contains) ?? true }
    }
    private var waitingByReason: [String: Int] { facts?.waitingByReason[scope] ?? [:] }

    public func render() -> String {
        var lines: [String] = []
        guard let snapshotTime else {
            lines.append("Cluster \(cluster): no successful poll yet.")
            if let poll = latestPoll, let error = poll.error {
                lines.append("Last attempt \(ago(poll.time)) failed: \(error)")
            }
            return lines.joined(separator: "\n") + "\n"
        }
        var header = "Cluster \(cluster), as of \(clockTime(snapshotTime)) (\(ago(snapshotTime)))"
        if let slurmVersion { header += ", \(slurmVersion)" }
        lines.append(header)
        if isStale {
            lines.append("WARNING: data is stale (older than \(staleAfter / 60) min).")
        }
        if let ahead = health?.headClockAhead, ahead != 0 {
            lines.append(
                "WARNING: the head node's clock runs \(DurationWords.text(abs(ahead))) \(ahead > 0 ? "ahead" : "behind")."
            )
        }
        if let poll = latestPoll, !poll.ok {
            lines.append(
                "WARNING: the last \(failuresSinceSuccess) poll(s) failed; latest \(ago(poll.time)): "
                    + (poll.error ?? "unknown")
            )
        }
        guard facts != nil else {
            lines.append("The summary of that poll is not stored yet (written by polls of this version onwards).")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("")
        lines.append(contentsOf: partitionTable())
        lines.append("")
        lines.append(contentsOf: unavailableNodes())
        lines.append(contentsOf: freeGPUs())
        lines.append(contentsOf: pendingSummary())
        return lines.joined(separator: "\n") + "\n"
    }

    private func partitionTable() -> [String] {
        let defaults = Set(partitions.filter(\.isDefault).map(\.name))
        var rows: [[String]] = [
            ["PARTITION", "NODES", "IDLE", "MIXED", "ALLOC", "DRAIN", "DOWN", "OTHER", "CPUS", "GPUS", "RUN", "PEND"]
        ]
        let order = Dictionary(uniqueKeysWithValues: partitions.enumerated().map { ($1.name, $0) })
        let sorted = usage.sorted { lhs, rhs in
            let left = lhs.partition == PartitionUsage.allPartitions ? Int.max : order[lhs.partition] ?? Int.max - 1
            let right = rhs.partition == PartitionUsage.allPartitions ? Int.max : order[rhs.partition] ?? Int.max - 1
            return left != right ? left < right : lhs.partition < rhs.partition
        }
        for item in sorted {
            let name =
                item.partition == PartitionUsage.allPartitions
                ? "(all)" : item.partition + (defaults.contains(item.partition) ? "*" : "")
            rows.append([
                name, "\(item.nodesTotal)", "\(item.nodes(.idle))", "\(item.nodes(.mixed))",
                "\(item.nodes(.allocated))",
                "\(item.nodes(.draining) + item.nodes(.drained))", "\(item.nodes(.down))",
                "\(item.nodes(.reserved) + item.nodes(.other))",
                "\(item.cpusAllocated)/\(item.cpusTotal)",
                item.gpusTotal > 0 ? "\(item.gpusUsed)/\(item.gpusTotal)" : "-",
                "\(item.jobsRunning)", "\(item.jobsPending)",
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                column == 0
                    ? text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - text.count) + text
            }.joined(separator: "  ")
        }
    }

    private func unavailableNodes() -> [String] {
        let troubled = self.troubled
        guard !troubled.isEmpty else { return ["All nodes are up."] }
        var lines = ["Nodes out of service (\(troubled.count)):"]
        for node in troubled.prefix(20) {
            var text = "  \(node.name)  \(node.state)"
            if let reason = node.reason {
                text += ": \(reason.text)"
                var who: [String] = []
                if let user = reason.user { who.append("by \(user)") }
                if let time = reason.time { who.append("since \(dayTime(time))") }
                if !who.isEmpty { text += " (\(who.joined(separator: " ")))" }
            }
            lines.append(text)
        }
        if troubled.count > 20 {
            lines.append(
                "  … and \(troubled.count - 20) more: \(Hostlist.compress(troubled.dropFirst(20).map(\.name)))")
        }
        return lines
    }

    private func freeGPUs() -> [String] {
        guard let gpus = facts?.gpus[scope], !gpus.byType.isEmpty else { return [] }
        let byType = gpus.byType
        let parts = byType.keys.sorted().map {
            "\(byType[$0]!.free) of \(byType[$0]!.total) \(ClusterFacts.GPUSummary.label($0)) free"
        }
        var line = "GPUs: " + parts.joined(separator: ", ")
        if let best = gpus.mostFree { line += "; \(best.name) has \(best.free) free" }
        return [line]
    }

    private func pendingSummary() -> [String] {
        let total = waitingByReason.values.reduce(0, +)
        guard total > 0 else { return ["No jobs waiting."] }
        var counts: [String: Int] = [:]
        for (code, count) in waitingByReason { counts[JobReason.words(for: code), default: 0] += count }
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return ["\(total) \(total == 1 ? "job" : "jobs") waiting:"]
            + ranked.map { "  \($0.value)  \($0.key)" }
    }

    /// "2026-11-24 19:41 UTC"
    private func clockTime(_ time: Int64) -> String {
        let wall = WallClock(time, timeZone: timeZone)
        return wall.isoDate + " " + wall.hoursMinutes + " " + WallClock.zoneName(timeZone, at: time)
    }

    /// "Tue 14:30"
    private func dayTime(_ time: Int64) -> String {
        let wall = WallClock(time, timeZone: timeZone)
        return wall.weekday + " " + wall.hoursMinutes
    }

    /// "just now", "4 min ago", "3 h 5 min ago", "2 days ago"; a time Slurm printed is taken on our clock first,
    /// so a head node whose clock runs ahead does not read "in the future".
    public func ago(_ time: Int64) -> String {
        let seconds = now - (health?.ourTime(time) ?? time)
        if seconds < 60 { return "just now" }
        if seconds < 3600 { return "\(seconds / 60) min ago" }
        if seconds < 86_400 { return "\(seconds / 3600) h \(seconds / 60 % 60) min ago" }
        return "\(seconds / 86_400) days ago"
    }
}
