import ClusterFacts
import FixtureSupport
import Foundation
import Simulation
import SlurmKit
import Testing

@testable import Store

@Suite("the SQLite store")
struct StoreTests {
    @Test("a fresh database is migrated once, and a newer schema is refused")
    func migrations() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        #expect(try test.database.sync { try $0.userVersion } == Schema.migrations.count)
        #expect(try test.database.sync { try $0.scalar("PRAGMA journal_mode").string } == "wal")
        _ = try Database(path: test.path)
        try test.database.sync { try $0.execute("PRAGMA user_version = 99") }
        #expect(throws: StoreError.schemaTooNew(found: 99, known: Schema.migrations.count)) {
            _ = try Database(path: test.path)
        }
    }

    @Test("a version-1 database with history is brought to the newest schema and its history reads the same")
    func upgrade() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("old.db")
        var snapshot = try labSnapshot()
        // Accounting fills columns version 1 did not have; the rest is written as version 1 wrote it.
        snapshot.accounting = nil
        let before = try {
            let old = try Connection(path: path)
            try old.execute(Schema.migrations[0])
            try old.execute("PRAGMA user_version = 1")
            // Today's writer also stores the snapshot's facts; their table goes again before the upgrade.
            try old.execute(Schema.migrations[3])
            try old.execute(Schema.migrations[4])
            try old.recordSnapshot(snapshot, cluster: "c", source: "fixture", startedAt: snapshot.takenAt)
            try old.execute("DROP TABLE cluster_facts")
            return try old.nodeTimelines(cluster: "c", from: 0, to: snapshot.takenAt + 60)
        }()
        let database = try Database(path: path)
        try database.sync { connection throws in
            #expect(try connection.userVersion == Schema.migrations.count)
            #expect(try connection.nodeTimelines(cluster: "c", from: 0, to: snapshot.takenAt + 60) == before)
            let plan = try connection.statement(
                "EXPLAIN QUERY PLAN SELECT node, state, reason, since, until FROM node_intervals "
                    + "WHERE cluster = 'c' AND since < 9 AND until > 1"
            ).query { $0.text(3) }
            #expect(plan.contains { $0.contains("COVERING INDEX node_intervals_by_end") }, "\(plan)")
        }
    }

    @Test("what is written reads back: nodes, partitions, usage, jobs")
    func writeRead() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let snapshot = try labSnapshot()
        try test.database.sync {
            try $0.recordSnapshot(
                snapshot, cluster: "c", source: "fixture", startedAt: snapshot.takenAt, durationMS: 120)
        }
        try test.database.sync { connection throws in
            let nodes = try connection.currentNodes(cluster: "c")
            #expect(nodes.map(\.name) == snapshot.nodes.map(\.name).naturallySorted())
            for node in nodes {
                let original = try #require(snapshot.nodes.first { $0.name == node.name })
                #expect(node.state == original.state)
                #expect(node.reason == original.reason)
                #expect(node.gres == original.gres && node.gpusUsed == original.gpusUsed)
                #expect(node.cpuLoad == original.cpuLoad && node.memoryFreeMB == original.memoryFreeMB)
            }
            #expect(try connection.currentPartitions(cluster: "c").first?.name == "debug")
            let usage = try connection.latestUsage(cluster: "c")
            let all = try #require(usage.first { $0.partition == PartitionUsage.allPartitions })
            #expect(all.nodesTotal == 11 && all.gpusTotal == 2 && all.gpusUsed == 1)
            #expect(all.nodes(.down) == 3 && all.nodes(.drained) == 1 && all.nodes(.draining) == 1)
            // 12_[3-6%2] is four waiting tasks.
            #expect(all.jobsRunning == 7 && all.jobsPending == 13)
            let poll = try #require(try connection.latestSuccessfulPoll(cluster: "c"))
            #expect(
                poll.snapshotAt == snapshot.takenAt && poll.durationMS == 120
                    && poll.slurmVersion == "slurm-wlm 22.05.8")
            #expect(poll.nodeCount == 11 && poll.jobCount == 25)
            let alice = try connection.jobs(cluster: "c", filter: JobFilter(user: "alice"))
            #expect(
                Set(alice.map(\.job.displayID)) == ["7", "10", "17", "20", "23", "12_[3-6%2]", "12_1", "12_2", "4"])
            let failed = try #require(try connection.jobs(cluster: "c", filter: JobFilter(states: [.failed])).first)
            #expect(failed.job.jobID == 8 && failed.finalState == .failed && failed.exitCode == 3)
            let oom = try #require(try connection.jobs(cluster: "c", filter: JobFilter(states: [.outOfMemory])).first)
            #expect(oom.exitSignal == 125)
            let gpu = try connection.jobs(cluster: "c", filter: JobFilter(partition: "gpu"))
            #expect(gpu.map(\.job.name) == ["train-resnet"] && gpu.first?.job.gpus == 1)
            #expect(try connection.clusters() == ["c"])
            // Waiting jobs counted in SQL, by reason code: the same as counting the jobs themselves (an array
            // remainder's tasks).
            for partition in [nil, "batch", "debug", "nowhere"] {
                let listed = try connection.jobs(
                    cluster: "c", filter: JobFilter(partition: partition, limit: 1_000_000)
                ).map(\.job).filter(\.state.isPending)
                let counted = try connection.waitingJobsByReason(cluster: "c", partition: partition)
                #expect(
                    counted
                        == Dictionary(grouping: listed, by: \.reason.code).mapValues { $0.map(\.taskCount).reduce(0, +) },
                    "\(partition ?? "all")")
            }
            #expect(try connection.waitingJobsByReason(cluster: "c").values.reduce(0, +) == 13)
        }
    }

    @Test("an unchanged cluster adds no interval, node or job rows")
    func unchanged() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let first = try labSnapshot()
        try test.database.sync { try $0.recordSnapshot(first, cluster: "c", source: "f", startedAt: first.takenAt) }
        let intervals = try test.count("node_intervals")
        #expect(intervals == 11)
        for minute in 1...20 {
            let later = try labSnapshot(at: first.takenAt + Int64(minute) * 60)
            let summary = try test.database.sync {
                try $0.recordSnapshot(later, cluster: "c", source: "f", startedAt: later.takenAt)
            }
            #expect(summary.nodesChanged == 0 && summary.intervalsOpened == 0 && summary.jobsWritten == 0)
        }
        #expect(try test.count("node_intervals") == intervals)
        #expect(try test.count("jobs") == 25)
        #expect(try test.count("polls") == 21)
        #expect(try test.count("partition_samples") == 21 * 5)
    }

    @Test("a state change closes one interval and opens another; timelines and idle-since follow")
    func intervals() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let start = try labSnapshot()
        var busy = try labSnapshot(at: start.takenAt + 600)
        let index = try #require(busy.nodes.firstIndex { $0.name == "n11" })
        busy.nodes[index].state = NodeState(base: .allocated)
        busy.nodes[index].cpusAllocated = 2
        var idle = try labSnapshot(at: start.takenAt + 1200)
        idle.nodes.removeAll { $0.name == "n9" }
        try test.database.sync { connection throws in
            for snapshot in [start, busy, idle] {
                try connection.recordSnapshot(snapshot, cluster: "c", source: "f", startedAt: snapshot.takenAt)
            }
            let timelines = try connection.nodeTimelines(cluster: "c", from: start.takenAt, to: start.takenAt + 1800)
            let n11 = try #require(timelines.first { $0.node == "n11" })
            #expect(n11.spans.map(\.category) == [.idle, .allocated, .idle])
            #expect(n11.spans.map(\.from) == [start.takenAt, start.takenAt + 600, start.takenAt + 1200])
            #expect(n11.spans[0].until == start.takenAt + 600)
            #expect(try connection.idleSince(cluster: "c", node: "n11") == start.takenAt + 1200)
            #expect(try connection.idleSince(cluster: "c", node: "n2") == nil)
            #expect(try connection.idleSince(cluster: "c", node: "n4") == nil)
            #expect(try connection.idleSince(cluster: "c", node: "n9") == nil, "a node that left Slurm is not idle")
            #expect(try connection.idleSince(cluster: "c", node: "n11-never") == nil)
            let n9 = try #require(timelines.first { $0.node == "n9" })
            #expect(n9.spans.last?.until == start.takenAt + 1200)
            #expect(try connection.currentNodes(cluster: "c").contains { $0.name == "n9" } == false)
            #expect(timelines.map(\.node) == timelines.map(\.node).naturallySorted())
        }
        #expect(try test.count("node_intervals") == 11 + 2)
    }

    @Test("jobs: vanished jobs are marked gone, accounting fills final state and exit code")
    func jobLifecycle() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        var first = try labSnapshot()
        first.accounting = []
        var second = try labSnapshot(at: first.takenAt + 300)
        second.jobs.removeAll { $0.jobID == 8 || $0.jobID == 1 }
        second.accounting = [
            AccountingRecord(
                jobID: 1, displayID: "1", state: .completed, exitCode: 0, signal: 0, elapsed: .seconds(100),
                endTime: first.takenAt + 200),
            AccountingRecord(
                jobID: 8, displayID: "8", state: .failed, exitCode: 3, signal: 0, elapsed: .seconds(1), endTime: nil),
        ]
        try test.database.sync { connection throws in
            try connection.recordSnapshot(first, cluster: "c", source: "f", startedAt: first.takenAt)
            let crash = try #require(try connection.jobs(cluster: "c", filter: JobFilter(states: [.failed])).first)
            #expect(crash.finalState == .failed && crash.exitCode == nil)
            let summary = try connection.recordSnapshot(second, cluster: "c", source: "f", startedAt: second.takenAt)
            #expect(summary.jobsGone == 2 && summary.jobsFinalized == 2)
            let gone = try connection.jobs(cluster: "c", filter: JobFilter(listedOnly: false)).filter {
                $0.goneAt != nil
            }
            #expect(Set(gone.map(\.job.jobID)) == [1, 8])
            let md = try #require(gone.first { $0.job.jobID == 1 })
            #expect(md.finalState == .completed && md.exitCode == 0 && md.endedAt == first.takenAt + 200)
            #expect(md.job.state == .running)
            #expect(gone.first { $0.job.jobID == 8 }?.exitCode == 3)
            #expect(try connection.jobs(cluster: "c").count == 23)
        }
    }

    @Test("a snapshot older than the stored one is refused and writes nothing")
    func olderSnapshot() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let now = try labSnapshot()
        let older = try labSnapshot(at: now.takenAt - 60)
        try test.database.sync { try $0.recordSnapshot(now, cluster: "c", source: "f", startedAt: now.takenAt) }
        #expect(throws: StoreError.snapshotOlderThanStored(snapshot: older.takenAt, stored: now.takenAt)) {
            try test.database.sync { try $0.recordSnapshot(older, cluster: "c", source: "f", startedAt: older.takenAt) }
        }
        #expect(try test.count("polls") == 1)
    }

    @Test("failed polls are recorded with their reason and leave the snapshot alone")
    func failedPoll() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let snapshot = try labSnapshot()
        try test.database.sync { connection throws in
            try connection.recordSnapshot(snapshot, cluster: "c", source: "f", startedAt: snapshot.takenAt)
            try connection.recordFailedPoll(cluster: "c", source: "f", startedAt: snapshot.takenAt + 60, error: "boom")
            try connection.recordFailedPoll(
                cluster: "c", source: "f", startedAt: snapshot.takenAt + 120, error: "again")
            #expect(try connection.latestPoll(cluster: "c")?.error == "again")
            #expect(try connection.latestSuccessfulPoll(cluster: "c")?.snapshotAt == snapshot.takenAt)
            #expect(try connection.failuresSinceLastSuccess(cluster: "c").map(\.error) == ["again", "boom"])
            #expect(try connection.currentNodes(cluster: "c").count == 11)
            // The health every reply tells: the good snapshot's age, the newest attempt, the failures since.
            let health = try connection.pollHealth(cluster: "c")
            #expect(health.snapshotAt == snapshot.takenAt && health.failuresSinceSuccess == 2)
            #expect(health.lastAttempt == .init(startedAt: snapshot.takenAt + 120, ok: false, error: "again"))
            #expect(health.lastAttemptFailed && health.age(now: snapshot.takenAt + 180) == 180)
            #expect(!health.isStale(now: snapshot.takenAt + 900) && health.isStale(now: snapshot.takenAt + 901))
            #expect(health.needsAttention(now: snapshot.takenAt + 180), "a failed last attempt needs attention")
            #expect(try connection.pollHealth(cluster: "none") == PollHealth())
            #expect(PollHealth().isStale(now: 0), "no snapshot at all is stale")
        }
    }

    @Test("rows of two clusters never mix")
    func clusters() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let snapshot = try labSnapshot()
        let simulated = SimulatedCluster().snapshot(at: snapshot.takenAt)
        try test.database.sync { connection throws in
            try connection.recordSnapshot(snapshot, cluster: "c", source: "f", startedAt: snapshot.takenAt)
            try connection.recordSnapshot(simulated, cluster: "sim", source: "s", startedAt: snapshot.takenAt)
            #expect(try connection.currentNodes(cluster: "c").count == 11)
            #expect(try connection.currentNodes(cluster: "sim").count == 60)
            #expect(try connection.clusters() == ["c", "sim"])
        }
    }

    @Test("history is bucketed averages of the samples")
    func history() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let cluster = SimulatedCluster()
        let start: Int64 = 1_781_614_800
        try test.database.sync { connection throws in
            for step in 0..<24 {
                let time = start + Int64(step) * 300
                try connection.recordSnapshot(cluster.snapshot(at: time), cluster: "c", source: "s", startedAt: time)
            }
            let buckets = try connection.history(cluster: "c", from: start, to: start + 7200, bucket: 1800)
            #expect(buckets.map(\.start) == [start, start + 1800, start + 3600, start + 5400])
            #expect(buckets.allSatisfy { $0.samples == 6 && $0.nodesTotal == 60 })
            for bucket in buckets {
                let sum = NodeCategory.allCases.reduce(0.0) { $0 + (bucket.nodesByCategory[$1] ?? 0) }
                #expect(abs(sum - 60) < 0.001)
            }
            let gpu = try connection.history(
                cluster: "c", partition: "gpu", from: start, to: start + 7200, bucket: 7200)
            #expect(gpu.count == 1 && gpu[0].gpusTotal == 40)
        }
    }

    @Test("retention prunes old history and keeps the current state")
    func retention() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let cluster = SimulatedCluster()
        let start: Int64 = 1_781_614_800
        let times = (0..<48).map { start + Int64($0) * 1800 }
        try test.database.sync { connection throws in
            for time in times {
                try connection.recordSnapshot(cluster.snapshot(at: time), cluster: "c", source: "s", startedAt: time)
            }
        }
        let cutoff = start + 12 * 3600
        try test.database.sync { connection throws in
            for (index, time) in [cutoff - 60, cutoff + 60].enumerated() {
                try connection.enqueue(
                    OutboxAlert(
                        dedupKey: "k\(index)", cluster: "c", createdAt: time, destination: .dm, target: "1",
                        discordUser: "1", payload: "{}", nextAttemptAt: time))
            }
        }
        let before = (try test.count("polls"), try test.count("node_intervals"), try test.count("jobs"))
        let pruned = try test.database.sync { try $0.prune(before: cutoff, chunk: 7) }
        #expect(pruned.polls == 24 && pruned.samples == 24 * 4 && pruned.alerts == 1)
        #expect(try test.count("outbox") == 1)
        #expect(pruned.intervals > 0 && pruned.jobs > 0)
        #expect(try test.count("polls") == before.0 - 24)
        #expect(try test.count("node_intervals") == before.1 - pruned.intervals)
        try test.database.sync { connection throws in
            #expect(
                try connection.scalar("SELECT count(*) FROM node_intervals WHERE until < ?", [.integer(cutoff)]).int64
                    == 0)
            #expect(try connection.currentNodes(cluster: "c").count == 60)
            #expect(try connection.latestSuccessfulPoll(cluster: "c")?.snapshotAt == times.last)
            #expect(try connection.scalar("SELECT count(*) FROM node_intervals WHERE until IS NULL").int64 == 60)
        }
    }
}
