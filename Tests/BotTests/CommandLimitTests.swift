import Charts
import DiscordModels
import FixtureSupport
import Foundation
import Simulation
import SlurmKit
import Store
import Testing

@testable import Commands

/// The simulated cluster scaled to 10,000 nodes with 100,000 jobs, polled twice through the real parser and store.
func bigClusterDatabase() async throws -> (Database, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.file("big.db"))
    for time in [Signer.now - 660, Signer.now - 60] {
        let snapshot = try await offPool {
            // Chains start two days back: a full cluster without simulating months of jobs first.
            let cluster = SimulatedCluster(layout: .scaled(nodes: 10_000), epoch: Signer.now - 2 * 86_400)
            let output = cluster.output(at: time, nonce: "b", toppedUpTo: 100_000)
            return try SnapshotParser.parse(stdout: output, stderr: "", nonce: "b", fallbackTime: time)
        }
        _ = try await database.run { try $0.recordSnapshot(snapshot, cluster: "big", source: "test", startedAt: time) }
    }
    return (database, directory)
}

@Suite("at 10,000 nodes and 100,000 jobs every reply fits Discord's limits and still says something useful")
struct CommandLimitTests {
    @Test("every command and option, and every autocomplete list")
    func everyCommand() async throws {
        let (database, directory) = try await bigClusterDatabase()
        defer { directory.remove() }
        let (nodes, jobs) = try await database.run {
            (
                try $0.currentNodes(cluster: "big").count,
                try $0.jobs(cluster: "big", filter: JobFilter(limit: 200_000)).count
            )
        }
        #expect(nodes >= 9_900 && jobs >= 100_000)

        // `run` checks each reply against MessageLimits; here, that each still answers the question.
        for partition in [nil, "cpu", "gpu", "bigmem"] {
            let options = partition.map { [("partition", $0)] } ?? []
            let status = try await run("status", options, on: database, cluster: "big")
            #expect(!status.ephemeral && status.text.contains("big"), "\(status.text)")
            let queue = try await run("queue", options, on: database, cluster: "big")
            #expect(!queue.ephemeral && queue.text.contains("waiting"), "\(queue.text)")
            let heatmap = try await run("heatmap", options + [("hours", "1")], on: database, cluster: "big")
            #expect(heatmap.files.count == 1 && heatmap.text.contains("nodes"), "\(heatmap.text)")
        }
        let grouped = try await run("heatmap", on: database, cluster: "big")
        #expect(
            grouped.embed?.description?.contains("too many for a row each: each of the 140 rows is a block of up to 72")
                == true, "\(grouped.text)")
        let picture = try #require(grouped.files.first.flatMap { DecodedPNG($0.data) })
        #expect(
            picture.height < 1800,
            "rows tall enough to tell apart, and the whole chart on one phone screen (about 590 px)")
        for metric in ["nodes", "cpus", "gpus"] {
            let history = try await run("history", [("metric", metric)], on: database, cluster: "big")
            #expect(history.files.first.map { DecodedPNG($0.data) != nil } == true)
        }
        let user = try await run("queue", [("user", "user7")], on: database, cluster: "big")
        #expect(user.embed?.title == "Queue of cluster big, user user7", "\(user.text)")
        let inspect = try await run("inspect", [("node", "c00001")], on: database, cluster: "big")
        #expect(!inspect.ephemeral && inspect.text.contains("c00001"), "\(inspect.text)")
        let similar = try await run("inspect", [("node", "c0000")], on: database, cluster: "big")
        #expect(similar.text.contains("Similar:"), "\(similar.text)")
        for size in [[("cpus", "1")], [("cpus", "48"), ("gpus", "4")], [("cpus", "4096")]] {
            let canrun = try await run("canrun", size, on: database, cluster: "big")
            #expect(!canrun.ephemeral, "\(canrun.text)")
        }
        let why = try await run("why", [("job", "900000000")], on: database, cluster: "big")
        #expect(why.text.contains("Waiting"), "\(why.text)")
        _ = try await run("help", on: database, cluster: "big")

        let interaction = try JSONDecoder().decode(Interaction.self, from: Data(Signer.command("inspect").utf8))
        let context = CommandContext(
            interaction: interaction, database: database, now: Signer.now, timeZone: TimeZone(identifier: "UTC")!,
            defaultCluster: "big")
        // Autocomplete cannot be deferred: each list must come back well inside Discord's 3 s, job ids (a LIKE over
        // 100,000 rows) included. Timed here in a debug build beside the other suites, so the bound is generous.
        for (option, typed) in [
            ("node", ""), ("node", "g0"), ("user", "user"), ("partition", ""), ("cluster", "b"), ("job", ""),
            ("job", "9"),
        ] {
            let started = ContinuousClock.now
            let choices = await Suggestions.choices(context, option: option, typed: typed)
            let took = ContinuousClock.now - started
            #expect(!choices.isEmpty && MessageLimits.violations(choices: choices).isEmpty, "\(option) \(choices)")
            #expect(took < .seconds(1), "\(option) \(typed): \(took), against Discord's 3 s")
        }
        // /status at this size does the most rendering of the instant answers: it too stays far inside 3 s.
        let started = ContinuousClock.now
        _ = try await run("status", on: database, cluster: "big")
        #expect(ContinuousClock.now - started < .seconds(1), "/status at 10,000 nodes, against Discord's 3 s")
    }
}
