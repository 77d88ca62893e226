import FixtureSupport
import Foundation
import Simulation
import SlurmKit
import Store

/// A database in a fresh temporary directory.
struct TestDatabase {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.file("test.db"))
    }

    var path: String { directory.file("test.db") }

    func count(_ table: String, cluster: String = "c") throws -> Int {
        try database.sync { try $0.scalar("SELECT count(*) FROM \(table) WHERE cluster = ?", [.text(cluster)]).int64 }
            .map { Int($0) } ?? 0
    }
}

/// The real lab snapshot from the fixtures, optionally at another time.
func labSnapshot(at time: Int64? = nil) throws -> ClusterSnapshot {
    let dir = Fixtures.path("lab-22.05")
    func read(_ name: String) throws -> String { try String(contentsOfFile: dir + "/" + name, encoding: .utf8) }
    let text = PollScript.assemble(
        nonce: "s",
        sections: [
            .meta: .init(text: try read("meta.txt")), .nodes: .init(text: try read("nodes.txt")),
            .partitions: .init(text: try read("partitions.txt")), .jobs: .init(text: try read("jobs.txt")),
            .accounting: .init(text: try read("accounting.txt")),
        ])
    var snapshot = try SnapshotParser.parse(stdout: text, stderr: "", nonce: "s", fallbackTime: 0)
    if let time { snapshot.takenAt = time }
    return snapshot
}
