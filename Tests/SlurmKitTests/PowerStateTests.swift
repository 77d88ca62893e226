import FixtureSupport
import SlurmKit
import Testing

/// Issue 16's defects 1 and 2 on real node lines: one power model for 20.11's `POWER` and suffixes and for
/// 21.08's words (aws/aws-parallelcluster-node PR #350, SckyzO/slurm_exporter issue #243).
@Suite("power saving, as 20.11 and 21.08+ print it")
struct PowerStateTests {
    static func states() throws -> [String: NodeState] {
        let nodes = NodeParser.parse(
            try Fixtures.text("versions/states-20.11-21.08/nodes.txt"), clock: SlurmClock(utcOffset: 0))
        return Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.state) })
    }

    @Test("the same node reads the same on 20.11 and on 21.08+: powered down, powering up, down")
    func sameModelEveryVersion() throws {
        let states = try Self.states()
        let pairs: [(String, String)] = [("s20-a", "s21-a"), ("s20-b", "s21-c"), ("s20-c", "s21-d")]
        for (old, new) in pairs {
            let (a, b) = (try #require(states[old]), try #require(states[new]))
            #expect(a.power == b.power && a.category == b.category, "\(old) \(a) ~ \(new) \(b)")
            #expect(a.acceptsNewJobs == b.acceptsNewJobs, "\(old) \(new)")
        }
        #expect(states["s20-d"]?.power == .poweredDown && states["s20-d"]?.isReadyOnDemand == true)
        #expect(NodeState(parsing: "IDLE+CLOUD+POWERED_DOWN").isReadyOnDemand)
        #expect(states["s20-b"]?.power == .poweringUp && states["s20-b"]?.category == .mixed)
        // Not responding while it powers up is how Slurm shows a boot, not a failure.
        #expect(states["s21-c"]?.category == .mixed && states["s21-a"]?.category == .down)
    }

    @Test("what each power word means, with the sinfo suffixes")
    func words() {
        let cases: [(String, NodeState.Power, NodeCategory, Bool)] = [
            ("IDLE~", .poweredDown, .other, true), ("IDLE#", .poweringUp, .other, false),
            ("IDLE%", .poweringDown, .other, true), ("IDLE!", .powerDownRequested, .other, false),
            ("IDLE+POWER_DOWN", .powerDownRequested, .other, false),
            ("IDLE+CLOUD+POWERED_DOWN+DRAIN", .poweredDown, .drained, false),
            ("IDLE+POWERING_UP+NOT_RESPONDING", .poweringUp, .other, false),
            ("IDLE+NOT_RESPONDING", .on, .down, false), ("IDLE+REBOOT_REQUESTED", .on, .idle, false),
        ]
        for (text, power, category, onDemand) in cases {
            let state = NodeState(parsing: text)
            #expect(state.power == power && state.category == category, "\(text): \(state.power) \(state.category)")
            #expect(state.isReadyOnDemand == onDemand, "\(text)")
            #expect(!state.acceptsNewJobs || power == .on, "\(text)")
        }
    }
}
