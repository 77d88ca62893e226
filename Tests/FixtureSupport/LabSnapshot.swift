import Foundation
public import SlurmKit

/// The real Slurm 22.05 lab snapshot from `Fixtures/lab-22.05`, parsed as a poll parses it, optionally at another
/// time.
public func labSnapshot(at time: Int64? = nil) throws -> ClusterSnapshot {
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
