// Writes one snapshot, then starts a second and stops inside its transaction, after every row is written and
// before COMMIT: the store tests kill this process there with SIGKILL and check nothing of the second survives.
import Foundation
import Simulation
import Store

let arguments = CommandLine.arguments
guard arguments.count == 4, let first = Int64(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: store-crash-writer DB MARKER FIRST_TIME\n".utf8))
    exit(2)
}
let database = try Database(path: arguments[1])
let cluster = SimulatedCluster()
try database.sync { connection in
    try connection.recordSnapshot(cluster.snapshot(at: first), cluster: "crash", source: "test", startedAt: first)
    try connection.recordSnapshot(
        cluster.snapshot(at: first + 7200), cluster: "crash", source: "test", startedAt: first + 7200,
        beforeCommit: {
            _ = FileManager.default.createFile(atPath: arguments[2], contents: Data("in transaction\n".utf8))
            while true { sleep(60) }
        })
}
