import FixtureSupport
import Foundation
import Logging
import Poller
import SimulatedRunner
import Store
import Testing

@Suite("slurmbot backup: an online copy while the poller writes, restored and read", .serialized)
struct BackupTests {
    /// Every poll commits its poll row and one sample per partition in one transaction, so a copy taken at any
    /// moment has exactly `perPoll` samples for each stored poll; a torn copy would not.
    static func consistent(_ path: String, perPoll: Int) throws -> (polls: Int, samples: Int) {
        let copy = try Connection(path: path, readOnly: true)
        let polls = try copy.scalar("SELECT count(*) FROM polls WHERE ok = 1", []).int64 ?? -1
        let samples = try copy.scalar("SELECT count(*) FROM partition_samples", []).int64 ?? -1
        #expect(samples == polls * Int64(perPoll), "\(path): \(polls) polls, \(samples) samples")
        return (Int(polls), Int(samples))
    }

    @Test("five copies taken while a poller stores 120 polls: each is whole, checked, and opens as a database")
    func whilePolling() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("live.db"))
        let clock = SimulationClock()
        clock.set(1_795_000_000)
        let poller = Poller(
            runner: SimulatedRunner(now: { clock.now }), database: database, cluster: "sim",
            logger: Logger(label: "backup-test"))
        _ = try await poller.pollOnce(now: clock.now, deliver: false)
        let first = try Connection(path: directory.file("live.db"), readOnly: true)
        let perPoll = Int(try first.scalar("SELECT count(*) FROM partition_samples", []).int64 ?? 0)
        try #require(perPoll > 0)

        let writer = Task {
            for _ in 0..<120 {
                clock.set(clock.now + 60)
                _ = try await poller.pollOnce(now: clock.now, deliver: false)
            }
        }
        var reports: [Connection.BackupReport] = []
        for index in 0..<5 {
            try await Task.sleep(for: .milliseconds(150))
            let source = try Connection(path: directory.file("live.db"), readOnly: true)
            reports.append(try source.backup(to: directory.file("copy-\(index).db")))
        }
        try await writer.value
        var seen: [Int] = []
        for index in 0..<5 {
            #expect(!FileManager.default.fileExists(atPath: directory.file("copy-\(index).db.partial")))
            #expect(!FileManager.default.fileExists(atPath: directory.file("copy-\(index).db-wal")))
            seen.append(try Self.consistent(directory.file("copy-\(index).db"), perPoll: perPoll).polls)
        }
        #expect(reports.allSatisfy { $0.integrity == "ok" && $0.schemaVersion > 0 && $0.bytes > 0 })
        #expect(seen == seen.sorted() && seen.first != seen.last, "copies of moments while it wrote: \(seen)")
        // Restored: the last copy opens as slurmbot's database (migrations find nothing to do) and reads back.
        let restored = try Database(path: directory.file("copy-4.db"))
        let nodes = try restored.sync { try $0.currentNodes(cluster: "sim") }
        #expect(nodes.count == 60)
    }

    @Test("the command: a new file only, a clear error for a missing database, the copy's size and integrity said")
    func command() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("x.db")
        let poll = try await Products.run(
            "slurmbot-poller", ["--source", "fixture:" + Fixtures.path("lab-22.05"), "--db", db, "--cluster", "lab"])
        try #require(poll.status == 0)
        let made = try await Products.run("slurmbot", ["backup", "--db", db, "--to", directory.file("b.db")])
        #expect(made.status == 0 && made.stdout.contains("integrity ok"), "\(made.stdout)\(made.stderr)")
        #expect(made.stdout.contains("schema version"))
        let again = try await Products.run("slurmbot", ["backup", "--db", db, "--to", directory.file("b.db")])
        #expect(again.status != 0 && again.stderr.contains("exists already"))
        let missing = try await Products.run(
            "slurmbot", ["backup", "--db", directory.file("none.db"), "--to", directory.file("c.db")])
        #expect(missing.status != 0 && missing.stderr.contains("no database at"))
        let status = try await Products.run("slurmbot", ["status", "--db", directory.file("b.db")])
        #expect(status.status == 0 && status.stdout.contains("lab"), "the copy reads like the original")
    }
}
