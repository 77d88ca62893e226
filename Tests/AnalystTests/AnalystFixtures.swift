import Analyst
import ClusterFacts
import Foundation
import Simulation
import SlurmKit

/// Facts of the simulated cluster (the same generator the demo and the benchmarks use), at a fixed time.
enum AnalystFixtures {
    static let time: Int64 = 1_795_549_310

    static func facts(nodes: Int = 60) throws -> ClusterFacts {
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
