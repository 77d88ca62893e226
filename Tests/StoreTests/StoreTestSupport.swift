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
