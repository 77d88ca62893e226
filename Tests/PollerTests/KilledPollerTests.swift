import DiscordFake
import FixtureSupport
import Foundation
import Store
import Testing

/// The real `slurmbot-poller`, killed with SIGKILL at random instants while job ends pile up, then let finish:
/// every end must reach Discord exactly once.
@Suite("a poller killed at any instant loses no alert and duplicates none")
struct KilledPollerTests {
    @Test(
        "12 job ends, a poller killed at a random moment after each, then two clean runs: 12 messages, all marked sent")
    func killedAnywhere() async throws {
        let fake = try FakeDiscord()
        let cluster = try ScriptedCluster()
        let binary = try #require(Products.path("slurmbot-poller"))
        let db = cluster.directory.file("killed.db")
        let environment = Spawned.cleanEnvironment([
            "SLURM_SOURCE": "fixture:\(cluster.path)", "SLURMBOT_DB": db, "SLURMBOT_CLUSTER": "lab",
            "DISCORD_API_BASE": fake.baseURL, "DISCORD_BOT_TOKEN": fake.botToken,
            "TARGET_CLUSTER_USER": "labuser", "DISCORD_USER_ID": "4004",
        ])
        func poll() async throws -> Int32? {
            let run = try Spawned(binary, ["--quiet"], environment: environment)
            return await run.wait(timeout: .seconds(30))
        }
        let started = ContinuousClock.now
        #expect(try await poll() == 0)
        // Kills land anywhere from the start to the usual end of a run: startup, the poll, the commit, the sends.
        // The window is cut in 12 slices, one random instant in each, so the early ones surely land while the
        // poller runs (purely random instants all fell after the end of the run once in CI).
        let window = max(20, Int((ContinuousClock.now - started).components.attoseconds / 1_000_000_000_000_000))
        var generator = SystemRandomNumberGenerator()
        var killedRunning = 0
        for index in 0..<12 {
            cluster.add(copying: 2, as: 100 + index, display: String(100 + index), state: "RUNNING", nodes: "n5")
            cluster.set(100 + index, field: 24, to: "job-\(index)")
            cluster.end(
                100 + index, state: index % 3 == 0 ? "FAILED" : "COMPLETED", exit: index % 3 == 0 ? "1:0" : "0:0")
            try cluster.step()
            let run = try Spawned(binary, ["--quiet"], environment: environment)
            let slice = (window * index / 12)...(window * (index + 1) / 12)
            try await Task.sleep(for: .milliseconds(Int.random(in: slice, using: &generator)))
            if run.exitStatus == nil { killedRunning += 1 }
            run.kill()
        }
        #expect(try await poll() == 0)
        #expect(try await poll() == 0)
        let contents = fake.messages.map(\.content)
        #expect(contents.count == 12, "\(contents)")
        #expect(Set(contents).count == 12)
        for index in 0..<12 {
            #expect(contents.contains { $0.contains("`job-\(index)` (`\(100 + index)`)") }, "job-\(index)")
        }
        let database = try Database(path: db, readOnly: true)
        let outbox = try await database.run { try $0.outbox(cluster: "lab") }
        #expect(outbox.count == 12 && outbox.allSatisfy { $0.sentAt != nil })
        #expect(killedRunning > 0, "at least one kill should land while the poller runs")
        await fake.shutdown()
    }

    @Test("--no-deliver queues what a poll reveals; the next run sends it")
    func noDeliver() async throws {
        let fake = try FakeDiscord()
        let cluster = try ScriptedCluster()
        let binary = try #require(Products.path("slurmbot-poller"))
        let environment = Spawned.cleanEnvironment([
            "SLURM_SOURCE": "fixture:\(cluster.path)", "SLURMBOT_DB": cluster.directory.file("queued.db"),
            "SLURMBOT_CLUSTER": "lab", "DISCORD_API_BASE": fake.baseURL, "DISCORD_BOT_TOKEN": fake.botToken,
            "TARGET_CLUSTER_USER": "labuser", "DISCORD_USER_ID": "4004",
        ])
        func poll(_ arguments: [String] = []) async throws -> Int32? {
            try await Spawned(binary, ["--quiet"] + arguments, environment: environment).wait(timeout: .seconds(30))
        }
        #expect(try await poll() == 0)
        cluster.end(2, state: "COMPLETED")
        try cluster.step()
        #expect(try await poll(["--no-deliver"]) == 0)
        #expect(fake.messages.isEmpty)
        #expect(try await poll() == 0)
        #expect(fake.messages.map(\.content) == ["Your job `analysis` (`2`) completed successfully."])
        await fake.shutdown()
    }
}
