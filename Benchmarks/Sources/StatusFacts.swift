import Commands
import ClusterFacts
import DiscordModels
import DiscordAPI
import FixtureSupport
import Foundation
import Simulation
import SlurmKit
import Store

/// `/status`, `/queue` and `/canrun` on a 10,000-node / 50,000-job snapshot:
/// - what computing and encoding the facts adds to a steady-state store;
/// - one answer's reads in process: from the facts (one row, decoded once per poll) beside the row-by-row reads
///   each command made before;
/// - wrk at 64 connections against the release server on that database, beside signed PINGs in the same run.
func statusFactsBenchmark() async throws {
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let t0: Int64 = 1_781_614_800
    let first = try SnapshotParser.parse(
        stdout: syntheticOutput(cluster: cluster, at: t0, jobs: jobCount, nonce: "b"), stderr: "", nonce: "b",
        fallbackTime: 0)
    let laterOutput = syntheticOutput(cluster: cluster, at: t0 + 60, jobs: jobCount, nonce: "b")
    let later = try SnapshotParser.parse(stdout: laterOutput, stderr: "", nonce: "b", fallbackTime: 0)
    let parseTime = try median(
        (0..<3).map { _ in
            try time { _ = try SnapshotParser.parse(stdout: laterOutput, stderr: "", nonce: "b", fallbackTime: 0) }
        })
    print("status-10k: \(first.nodes.count) nodes, \(first.jobs.count) jobs")
    let directory = scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/bench.db"
    let database = try Database(path: path)
    try database.sync { _ = try $0.recordSnapshot(first, cluster: "big", source: "bench", startedAt: t0) }
    let storeTime = try time {
        try database.sync { _ = try $0.recordSnapshot(later, cluster: "big", source: "bench", startedAt: t0 + 60) }
    }
    var facts = ClusterFacts(later, cluster: "big")
    let factsTime = median((0..<5).map { _ in time { facts = ClusterFacts(later, cluster: "big") } })
    // The partition usage inside the facts is what the history samples were computed from before, once.
    let usageTime = median((0..<5).map { _ in time { _ = PartitionUsage.compute(later) } })
    var encoded = Data()
    let encodeTime = try median((0..<5).map { _ in try time { encoded = try JSONEncoder().encode(facts) } })
    let decodeTime = try median(
        (0..<5).map { _ in try time { _ = try JSONDecoder().decode(ClusterFacts.self, from: encoded) } })
    let added = factsTime - usageTime + encodeTime
    print(
        "  a steady-state store takes \(ms(storeTime)); the facts add \(ms(added)) to it "
            + String(format: "(%.1f %%): ", added / storeTime * 100)
            + "\(ms(factsTime - usageTime)) to compute beyond the usage the samples need anyway, "
            + "\(ms(encodeTime)) to encode \(mb(encoded.count)); decoding them takes \(ms(decodeTime)), once per poll")
    print(
        "  a steady-state poll's own work (parse \(ms(parseTime)) + store \(ms(storeTime))): the facts are "
            + String(format: "%.1f %% of it", added / (parseTime + storeTime) * 100)
            + " (the command's time on the head node and the network come on top)")

    // One answer's reads, in process, on a reader connection as the server has them.
    let readers = try Database(path: path, readOnly: true, readers: 1)
    let utc = TimeZone(identifier: "UTC")!
    func perRequest(_ body: @escaping @Sendable (Connection) throws -> Void) async throws -> Double {
        try await readers.read(body)
        var times: [Double] = []
        for _ in 0..<30 {
            let start = ContinuousClock.now
            try await readers.read(body)
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
        }
        return median(times)
    }
    let cases: [(String, new: @Sendable (Connection) throws -> Void, old: @Sendable (Connection) throws -> Void)] = [
        (
            "/status",
            { _ = try StatusLoader.load($0, cluster: "big", defaultCluster: "big", timeZone: utc, now: t0 + 120).text },
            { _ = (try $0.currentNodes(cluster: "big"), try $0.waitingJobsByReason(cluster: "big")) }
        ),
        (
            "/queue",
            { connection in
                let facts = try connection.latestFacts(cluster: "big")!
                _ = facts.jobs(nil).byUser.count + facts.jobs(nil).longestRunning.count
            },
            { _ = try $0.jobs(cluster: "big", filter: JobFilter(limit: 10_000_000)) }
        ),
        (
            "/canrun",
            { _ = ResourceFit.answer(ResourceFit.Request(), facts: try $0.latestFacts(cluster: "big")!, in: nil) },
            {
                _ = (
                    try $0.currentPartitions(cluster: "big"), try $0.currentNodes(cluster: "big"),
                    try $0.jobs(cluster: "big", filter: JobFilter(states: [.running], limit: 10_000_000))
                )
            }
        ),
    ]
    var oldTimes: [String: Double] = [:]
    print("  one answer's reads (median of 30):  from the facts   row by row, as before")
    for (name, new, old) in cases {
        let (fromFacts, rowByRow) = (try await perRequest(new), try await perRequest(old))
        oldTimes[name] = rowByRow
        print(
            "    " + pad(name, 10) + pad(String(format: "%.3f ms", fromFacts * 1000), 17)
                + String(format: "%.1f ms (%.0f× the time)", rowByRow * 1000, rowByRow / fromFacts))
    }

    // The release server on this database, under wrk.
    let seconds = Int(arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 10)
    let wrk = Wrk(directory: directory, key: SigningKey())
    let port = Ports.free()
    try await wrk.startServer(repository: repository, database: path, port: port)
    defer { wrk.stop("server") }
    try await Task.sleep(for: .seconds(1))
    let requests = [
        ("PING", Wrk.ping, nil as String?),
        ("/status", Wrk.command("status"), "/status"),
        ("/queue", Wrk.command("queue"), "/queue"),
        ("/canrun", Wrk.command("canrun"), "/canrun"),
        ("/canrun gpus:4", Wrk.command("canrun", options: #"[{"name":"gpus","type":4,"value":4}]"#), "/canrun"),
        ("/queue user", Wrk.command("queue", options: #"[{"name":"user","type":3,"value":"user7"}]"#), "/queue"),
    ]
    print("  wrk, 64 connections, \(seconds) s each, straight to the server (\(nproc()) cores shared with wrk):")
    print("    request          requests/s  p99        of PING   vs the old reads' ceiling (\(nproc()) cores busy)")
    var pingRate = 0.0
    for (index, (name, body, old)) in requests.enumerated() {
        let result = try await wrk.run(
            try wrk.script("request\(index)", body: body), port: port, connections: 64, seconds: seconds)
        if name == "PING" { pingRate = result.rate }
        // What the row-by-row reads alone allowed, with every core reading and nothing else to do.
        let ceiling = old.flatMap { oldTimes[$0] }.map { Double(nproc()) / $0 }
        var line = "    " + pad(name, 17) + pad(String(format: "%.0f", result.rate), 12) + pad(result.p99, 11)
        line += pad(String(format: "%.0f %%", result.rate / pingRate * 100), 10)
        if let ceiling { line += String(format: "%.0f/s → %.0f×", ceiling, result.rate / ceiling) }
        if result.non2xx { line += "  (non-2xx answers!)" }
        print(line)
    }
}
