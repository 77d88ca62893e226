import FixtureSupport
import Foundation
import Logging
import SlurmKit
import Testing

@testable import Poller
@testable import Remote
import SimulatedRunner
@testable import Store

@Suite("one poll: run, parse, store, or record why not")
struct PollerTests {
    let logger = Logger(label: "test")

    func poller(_ runner: any CommandRunner, _ database: Database, timeout: Duration = .seconds(30)) -> Poller {
        Poller(runner: runner, database: database, cluster: "lab", timeout: timeout, logger: logger)
    }

    @Test("the lab fixture fills the database; polling it again adds no interval rows")
    func fixture() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("db"))
        let poller = poller(FixtureRunner(directory: Fixtures.path("lab-22.05")), database)
        let first = try await poller.pollOnce(now: 1_795_549_310)
        guard case .stored(let summary, let nodes, let jobs, let notes) = first else {
            Issue.record("poll failed: \(first)")
            return
        }
        #expect(nodes == 11 && jobs == 25 && notes.isEmpty && summary.intervalsOpened == 11)
        for _ in 0..<3 {
            let again = try await poller.pollOnce(now: 1_795_549_310)
            guard case .stored(let summary, _, _, _) = again else {
                Issue.record("poll failed: \(again)")
                return
            }
            #expect(summary.intervalsOpened == 0 && summary.nodesChanged == 0 && summary.jobsWritten == 0)
        }
        try await database.run { connection throws in
            #expect(try connection.scalar("SELECT count(*) FROM node_intervals").int64 == 11)
            #expect(try connection.scalar("SELECT count(*) FROM polls WHERE ok = 1").int64 == 4)
            #expect(try connection.latestPoll(cluster: "lab")?.source == "fixture:\(Fixtures.path("lab-22.05"))")
        }
    }

    @Test("after a poll the WAL is checkpointed and truncated: the database is one file between polls")
    func walTruncated() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("db")
        let database = try Database(path: path)
        let clock = SimulationClock()
        _ = try await Backfill(
            poller: poller(SimulatedRunner(now: { clock.now }), database), clock: clock, hours: 1, interval: 300
        ).run(until: 1_781_614_800)
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
        #expect(wal == 0, "the WAL holds \(wal ?? -1) bytes after the polls")
        let file = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(file > 100_000, "the polls' data is in the database file itself")
    }

    @Test("the simulated cluster, stepped through time, is stored poll after poll")
    func simulated() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("db"))
        let clock = SimulationClock()
        let result = try await Backfill(
            poller: poller(SimulatedRunner(now: { clock.now }), database), clock: clock, hours: 2, interval: 600
        ).run(until: 1_781_614_800)
        #expect(result.stored == 13 && result.failed == 0)
        try await database.run { connection throws in
            #expect(try connection.currentNodes(cluster: "lab").count == 60)
            #expect(try connection.latestSuccessfulPoll(cluster: "lab")?.snapshotAt == 1_781_614_800)
            #expect(try connection.scalar("SELECT count(*) FROM partition_samples").int64 == 13 * 4)
        }
    }

    @Test("a missing fixture directory is a failed poll with its reason; the snapshot before stays")
    func unreachable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("db"))
        _ = try await poller(FixtureRunner(directory: Fixtures.path("lab-22.05")), database).pollOnce(
            now: 1_795_549_310)
        let outcome = try await poller(FixtureRunner(directory: "/nonexistent/x"), database).pollOnce(
            now: 1_795_549_400)
        #expect(!outcome.succeeded)
        try await database.run { connection throws in
            let latest = try #require(try connection.latestPoll(cluster: "lab"))
            #expect(
                !latest.ok && latest.error == "fixture:/nonexistent/x: fixture directory /nonexistent/x does not exist")
            #expect(try connection.latestSuccessfulPoll(cluster: "lab")?.snapshotAt == 1_795_549_310)
            #expect(try connection.currentNodes(cluster: "lab").count == 11)
        }
    }

    @Test("odd output fails the poll with the section named, and writes nothing partial")
    func missingSection() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fixture = directory.file("fixture")
        try FileManager.default.copyItem(atPath: Fixtures.path("lab-22.05"), toPath: fixture)
        try FileManager.default.removeItem(atPath: fixture + "/partitions.txt")
        let database = try Database(path: directory.file("db"))
        let outcome = try await poller(FixtureRunner(directory: fixture), database).pollOnce(now: 5)
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(reason == "the partitions section is missing from the output")
        try await database.run { connection throws in
            #expect(try connection.scalar("SELECT count(*) FROM nodes").int64 == 0)
            #expect(try connection.scalar("SELECT count(*) FROM polls WHERE ok = 0").int64 == 1)
        }
    }

    @Test("the local source without Slurm on the PATH fails with the command's own error")
    func localWithoutSlurm() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("db"))
        let runner = LocalRunner(environment: ["PATH": directory.path])
        let outcome = try await poller(runner, database).pollOnce(now: 5)
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(reason.hasPrefix("the nodes command failed with status 127"))
        #expect(reason.contains("scontrol: not found"))
        #expect(!reason.contains("date"))
    }

    @Test("a source past the deadline is a failed poll that says so")
    func deadline() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("db"))
        let runner = LocalRunner(environment: ["PATH": "/nonexistent"])
        let outcome = try await poller(SleepingRunner(inner: runner), database, timeout: .milliseconds(300)).pollOnce(
            now: 5)
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(reason == "local: the command did not finish within 0 s and was stopped")
    }

    @Test("only one poller holds the lock at a time")
    func lock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("db.lock")
        let held = try PollLock(path: path)
        #expect(throws: PollLock.Failure.held(path: path)) { try PollLock(path: path) }
        withExtendedLifetime(held) {}
    }
}

/// Runs the real shell, but with a command that never ends: the deadline has to stop it.
struct SleepingRunner: CommandRunner {
    let inner: LocalRunner
    var sourceDescription: String { inner.sourceDescription }

    func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandOutput {
        try await inner.run("/bin/sleep 30", timeout: timeout)
    }
}
