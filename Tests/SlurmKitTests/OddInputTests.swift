import FixtureSupport
import Testing

@testable import SlurmKit

@Suite("odd output never crashes a parser")
struct OddInputTests {
    /// Cuts, duplicates, flips and splices bytes of real output, deterministically.
    struct Mutator {
        var state: UInt64

        mutating func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }

        mutating func mutate(_ text: String) -> String {
            var bytes = Array(text.utf8)
            let pieces: [[UInt8]] = [
                Array("|".utf8), Array("=".utf8), Array("\n".utf8), Array("[".utf8), Array("]".utf8),
                Array(" ".utf8), Array("\r\n".utf8), Array("ü".utf8), [0xFF], [0x00], Array("@@slurmbot:".utf8),
                Array("NodeName=".utf8), Array("(null)".utf8), Array("99999999999999999999".utf8),
            ]
            for _ in 0..<(1 + next() % 12) where !bytes.isEmpty {
                let at = next() % bytes.count
                switch next() % 4 {
                case 0: bytes.removeSubrange(at..<min(bytes.count, at + next() % 40))
                case 1: bytes.insert(contentsOf: pieces[next() % pieces.count], at: at)
                case 2: bytes[at] = UInt8(truncatingIfNeeded: next())
                default: bytes = Array(bytes[..<at])
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test("mutated node, partition, job and accounting output", arguments: 0..<40)
    func mutatedSections(seed: Int) throws {
        var mutator = Mutator(state: UInt64(seed) &+ 1)
        let clock = SlurmClock(utcOffset: 3600)
        for _ in 0..<10 {
            let nodes = NodeParser.parse(mutator.mutate(try Fixtures.text("nodes/slurm-23.11.txt")), clock: clock)
            #expect(nodes.count <= 10)
            _ = PartitionParser.parse(mutator.mutate(try Fixtures.text("partitions/slurm-23.11.txt")))
            let jobs = JobParser.parse(mutator.mutate(try Fixtures.text("jobs/odd.txt")), clock: clock)
            #expect(jobs.jobs.count + jobs.malformedLines <= 40)
            _ = AccountingParser.parse(mutator.mutate(try Fixtures.text("lab-22.05/accounting.txt")), clock: clock)
            _ = try? Hostlist.expand(mutator.mutate("gpu[01-04,07],cpu-a[1-3],r[1-2]n[1-2]"), limit: 10_000)
        }
    }

    @Test("mutated whole poll output either parses or fails with a reason", arguments: 0..<20)
    func mutatedPoll(seed: Int) throws {
        var mutator = Mutator(state: UInt64(seed) &* 7 &+ 3)
        let original = try Fixtures.text("poll/lab-22.05-real.txt")
        for _ in 0..<10 {
            do {
                let snapshot = try SnapshotParser.parse(
                    stdout: mutator.mutate(original), stderr: mutator.mutate("error: x\n"), nonce: "real0",
                    fallbackTime: 0)
                #expect(!snapshot.nodes.isEmpty)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}
