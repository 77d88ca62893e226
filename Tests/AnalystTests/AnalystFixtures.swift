import Analyst
import ClusterFacts
import Foundation
import Simulation
import SlurmKit
import Synchronization
import Threads

/// Facts of the simulated cluster (the same generator the demo and the benchmarks use), at a fixed time: computed
/// once per size, on a thread of their own (the 10,000-node facts take seconds in a debug build, which on one of the
/// two threads Swift's tasks run on stalled the HTTP suites beside these).
enum AnalystFixtures {
    static let time: Int64 = 1_795_549_310
    private static let cache = Mutex<[Int: ClusterFacts]>([:])

    static func facts(nodes: Int = 60) async throws -> ClusterFacts {
        if let facts = cache.withLock({ $0[nodes] }) { return facts }
        let facts = try await onOwnThread(name: "facts") { () throws(any Error) in try compute(nodes: nodes) }
        cache.withLock { $0[nodes] = facts }
        return facts
    }

    private static func compute(nodes: Int) throws -> ClusterFacts {
        let cluster = SimulatedCluster(
            layout: nodes == 60 ? .standard : .scaled(nodes: nodes), epoch: time - 2 * 86_400)
        let snapshot = try SnapshotParser.parse(
            stdout: cluster.output(at: time, nonce: "f", toppedUpTo: nodes * 5), stderr: "", nonce: "f",
            fallbackTime: time)
        return ClusterFacts(snapshot, cluster: "demo")
    }
}

/// Answers every tool call with a fixed text and records the calls: what the analysts do with answers, apart from
/// the commands that give them (those are tested in BotTests).
final class RecordingToolbox: Toolbox, @unchecked Sendable {
    // Only the test's task calls it, one call at a time.
    var calls: [ToolCall] = []
    let answer: String

    init(answer: String = "**Cluster demo**\n2112 of 3072 CPUs are in use; 672 CPUs free in cpu.") {
        self.answer = answer
    }

    func call(_ call: ToolCall) async -> ToolResult {
        calls.append(call)
        return ToolResult(text: answer)
    }
}
