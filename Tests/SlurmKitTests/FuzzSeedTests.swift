import FixtureSupport
import Testing

@Suite("the Slurm parsers' fuzz seeds")
struct FuzzSeedTests {
    @Test("the seeds and the crashes scripts/fuzz slurm once found (memory, times, arrays) replay cleanly")
    func replay() async throws {
        let replayer = try #require(Products.path("slurm-fuzz"))
        let run = try Spawned(replayer, [Fixtures.path("fuzz/slurm")], environment: [:])
        #expect(await run.wait(timeout: .seconds(60)) == 0, "stderr: \(run.stderr.suffix(2000))")
        #expect(run.stdout.contains("replayed"))
    }
}
