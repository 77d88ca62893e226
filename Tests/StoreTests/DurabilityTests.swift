import FixtureSupport
import Foundation
import Simulation
import SlurmKit
import Testing

@testable import Store

@Suite("readers during writes, and writers killed mid-transaction")
struct DurabilityTests {
    let start: Int64 = 1_781_614_800

    @Test("a reader sees the previous snapshot, whole, while a write is in flight")
    func readerDuringWrite() throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let cluster = SimulatedCluster()
        try test.database.sync {
            try $0.recordSnapshot(cluster.snapshot(at: start), cluster: "c", source: "s", startedAt: start)
        }
        let reader = try Connection(path: test.path, readOnly: true)
        try test.database.sync { connection throws in
            try connection.recordSnapshot(
                cluster.snapshot(at: start + 3600), cluster: "c", source: "s", startedAt: start + 3600,
                beforeCommit: {
                    #expect(try reader.latestSuccessfulPoll(cluster: "c")?.snapshotAt == self.start)
                    #expect(try reader.currentNodes(cluster: "c").count == 60)
                    let samples = try reader.scalar("SELECT count(*) FROM partition_samples").int64
                    #expect(samples == 4)
                })
        }
        #expect(try reader.latestSuccessfulPoll(cluster: "c")?.snapshotAt == start + 3600)
    }

    @Test("a reader thread and a writer run side by side; every read is a consistent snapshot")
    func concurrentThreads() async throws {
        let test = try TestDatabase()
        defer { test.directory.remove() }
        let path = test.path
        let start = self.start
        let writes = 40
        let writer = Task.detached {
            let database = try Database(path: path)
            let cluster = SimulatedCluster()
            for step in 0..<writes {
                let time = start + Int64(step) * 300
                let snapshot = cluster.snapshot(at: time)
                try await database.run { try $0.recordSnapshot(snapshot, cluster: "c", source: "s", startedAt: time) }
            }
        }
        let reader = try Database(path: path, readOnly: true)
        var consistentReads = 0
        for _ in 0..<5000 {
            let result = try await reader.run { connection -> (consistent: Bool, polls: Int64)? in
                guard let at = try connection.latestSuccessfulPoll(cluster: "c")?.snapshotAt else { return nil }
                let latest = try connection.scalar(
                    "SELECT count(*) FROM partition_samples WHERE at = ?", [.integer(at)])
                let polls = try connection.scalar("SELECT count(*) FROM polls").int64 ?? 0
                let samples = try connection.scalar("SELECT count(*) FROM partition_samples").int64 ?? 0
                return (latest.int64 == 4 && samples == polls * 4, polls)
            }
            if let result {
                #expect(result.consistent)
                consistentReads += 1
                if result.polls == Int64(writes) { break }
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        try await writer.value
        #expect(consistentReads > 1)
    }

    @Test("a writer killed with SIGKILL inside its transaction leaves the previous snapshot intact")
    func killedWriter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let executable = try #require(Products.path("store-crash-writer"), "build store-crash-writer first")
        let db = directory.file("crash.db")
        let marker = directory.file("marker")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [db, marker, String(start)]
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline && process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(FileManager.default.fileExists(atPath: marker), "the writer never reached its transaction")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let database = try Database(path: db)
        try database.sync { connection throws in
            #expect(try connection.scalar("PRAGMA integrity_check").string == "ok")
            #expect(try connection.latestSuccessfulPoll(cluster: "crash")?.snapshotAt == start)
            #expect(try connection.scalar("SELECT count(*) FROM polls").int64 == 1)
            #expect(
                try connection.scalar("SELECT count(*) FROM partition_samples WHERE at > ?", [.integer(start)]).int64
                    == 0)
            #expect(
                try connection.scalar("SELECT count(*) FROM node_intervals WHERE since > ?", [.integer(start)]).int64
                    == 0)
            #expect(try connection.currentNodes(cluster: "crash").count == 60)
            try connection.recordSnapshot(
                SimulatedCluster().snapshot(at: start + 7200), cluster: "crash", source: "s", startedAt: start + 7200)
            #expect(try connection.latestSuccessfulPoll(cluster: "crash")?.snapshotAt == start + 7200)
        }
    }
}
