// slurmbot benchmarks: run with Benchmarks/run (release build). Not part of the tests.
//
//   parse-store   parse + store of a 10,000-node / 50,000-job snapshot, first poll and a later poll; then whole
//                 polls through the poller, without watches and with 300 (alerts queued, not sent)
//   storage-day   database size after a day of a 10,000-node cluster polled every minute, beside the size of
//                 storing every node's state every poll (SQLite rows and the original tool's JSON lines)
//   status-10k    /status, /queue and /canrun from the stored facts of a 10,000-node / 50,000-job snapshot: what
//                 the facts add to a steady-state poll, one answer's reads beside the row-by-row reads they
//                 replaced, and wrk at 64 connections against the release server beside signed PINGs
//   endpoint      wrk against slurmbot-server (valid and bad signatures, 64 and 256 connections, direct and through
//                 Caddy) beside libsodium's raw verify rate; signed-PING latency under a flood of 1-byte chunks
//                 and with 5,000 idle sockets open
//   charts        /history and /heatmap for 100, 1,000 and 10,000 nodes over a day, beside pandas + matplotlib
//   blocking      how late Swift tasks wake while charts are drawn beside them, on GCD's queues and on ours
//   ssh-poll      one poll through the bastion on loopback (the lab, scripts/lab) and a 10,000-node output
//                 printed on the head, beside OpenSSH's ssh -J running the same command (needs root)
import ClusterFacts
import Foundation
import Poller
import Simulation
import SlurmKit
import Store

let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
let hours = arguments.firstIndex(of: "--hours").flatMap { Int(arguments[$0 + 1]) } ?? 24
let nodeCount = arguments.firstIndex(of: "--nodes").flatMap { Int(arguments[$0 + 1]) } ?? 10_000
let jobCount = arguments.firstIndex(of: "--jobs").flatMap { Int(arguments[$0 + 1]) } ?? 50_000

/// Seconds taken by `body`.
func time(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    values.sorted()[values.count / 2]
}

func ms(_ seconds: Double) -> String {
    String(format: "%.0f ms", seconds * 1000)
}

func mb(_ bytes: Int) -> String {
    String(format: "%.1f MB", Double(bytes) / 1_048_576)
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
}

func scratch() -> String {
    let path = NSTemporaryDirectory() + "slurmbot-bench-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The poll output of the scaled simulated cluster at `time`, topped up with pending jobs to `jobs` in all.
func syntheticOutput(cluster: SimulatedCluster, at time: Int64, jobs wanted: Int, nonce: String) -> String {
    cluster.output(at: time, nonce: nonce, toppedUpTo: wanted)
}

func parseStore() throws {
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let t0: Int64 = 1_781_614_800
    let first = syntheticOutput(cluster: cluster, at: t0, jobs: jobCount, nonce: "b")
    let later = syntheticOutput(cluster: cluster, at: t0 + 60, jobs: jobCount, nonce: "b")
    print("parse + store: \(cluster.nodeNames.count) nodes, \(jobCount) jobs, \(mb(first.utf8.count)) of poll output")
    var parseTimes: [Double] = []
    var firstStore: [Double] = []
    var laterStore: [Double] = []
    var laterParse: [Double] = []
    var checkpoints: [Double] = []
    var laterSummary = SnapshotWriteSummary()
    var snapshot: ClusterSnapshot!
    for _ in 0..<5 {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database(path: directory + "/bench.db")
        parseTimes.append(
            try time { snapshot = try SnapshotParser.parse(stdout: first, stderr: "", nonce: "b", fallbackTime: 0) })
        let taken = snapshot!
        firstStore.append(
            try time {
                _ = try database.sync { try $0.recordSnapshot(taken, cluster: "big", source: "bench", startedAt: t0) }
            })
        var next: ClusterSnapshot!
        laterParse.append(
            try time { next = try SnapshotParser.parse(stdout: later, stderr: "", nonce: "b", fallbackTime: 0) })
        let nextTaken = next!
        checkpoints.append(try time { try database.sync { try $0.checkpoint() } })
        laterStore.append(
            try time {
                laterSummary = try database.sync {
                    try $0.recordSnapshot(nextTaken, cluster: "big", source: "bench", startedAt: t0 + 60)
                }
            })
    }
    print("  jobs parsed: \(snapshot.jobs.count), nodes parsed: \(snapshot.nodes.count)")
    let sections = cluster.sections(at: t0)
    let clock = cluster.clock
    let nodesText = sections[.nodes]!.text
    let jobsText = first.components(separatedBy: "@@slurmbot:b@@ begin jobs\n")[1].components(
        separatedBy: "\n@@slurmbot:b@@ end jobs")[0]
    let nodeTime = median((0..<5).map { _ in time { _ = NodeParser.parse(nodesText, clock: clock) } })
    let jobTime = median((0..<5).map { _ in time { _ = JobParser.parse(jobsText, clock: clock) } })
    print("  of which: nodes \(ms(nodeTime)), jobs \(ms(jobTime))")
    print(
        "  first poll (empty database):  parse \(ms(median(parseTimes)))  store \(ms(median(firstStore)))  "
            + "total \(ms(median(parseTimes) + median(firstStore)))"
    )
    print(
        "  next poll (one minute later): parse \(ms(median(laterParse)))  store \(ms(median(laterStore)))  "
            + "total \(ms(median(laterParse) + median(laterStore)))"
    )
    print("  the next poll changed \(laterSummary.nodesChanged) nodes and wrote \(laterSummary.jobsWritten) jobs")
    print("  WAL checkpoint after the first poll (outside the poll's time): \(ms(median(checkpoints)))")
    print("  (medians of 5 runs)")
}

func storageDay() throws {
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let directory = scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/day.db"
    let database = try Database(path: path)
    let t0: Int64 = 1_781_560_800
    let polls = hours * 60
    print("storage: \(cluster.nodeNames.count) nodes polled every minute for \(hours) h (\(polls) polls)")
    var naiveRowsPerPoll = 0
    var jsonBytes = 0
    let naivePath = directory + "/naive.db"
    let naive = try Database(path: naivePath)
    try naive.sync { connection in
        try connection.execute(
            """
            CREATE TABLE node_states (cluster TEXT NOT NULL, node TEXT NOT NULL, at INTEGER NOT NULL, state TEXT NOT NULL,
                cpus_alloc INTEGER NOT NULL, memory_alloc_mb INTEGER NOT NULL, gpus_used INTEGER NOT NULL, load REAL,
                PRIMARY KEY (cluster, node, at)) WITHOUT ROWID
            """)
    }
    let naiveSample = min(polls, 60)
    let elapsed = try time {
        for step in 0..<polls {
            let at = t0 + Int64(step) * 60
            let snapshot = cluster.snapshot(at: at)
            try database.sync { try $0.recordSnapshot(snapshot, cluster: "big", source: "bench", startedAt: at) }
            if step < naiveSample {
                naiveRowsPerPoll = snapshot.nodes.count
                try naive.sync { connection in
                    try connection.transaction {
                        let insert = try connection.statement("INSERT INTO node_states VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                        for node in snapshot.nodes {
                            try insert.run([
                                "big", .text(node.name), .integer(at), .text(node.state.description),
                                SQLValue(node.cpusAllocated), SQLValue(node.memoryAllocatedMB), SQLValue(node.gpusUsed),
                                SQLValue(node.cpuLoad),
                            ])
                        }
                    }
                }
                for node in snapshot.nodes {
                    let line =
                        "{\"timestamp\": \"\(SlurmClock(utcOffset: 0).format(at))\", \"node\": \"\(node.name)\", "
                        + "\"state\": \"\(node.state.description.lowercased())\", \"cpu_alloc\": \(node.cpusAllocated), "
                        + "\"cpu_total\": \(node.cpusTotal), \"mem_alloc\": \(node.memoryAllocatedMB)}\n"
                    jsonBytes += line.utf8.count
                }
            }
            if (step + 1) % max(1, polls / 10) == 0 {
                FileHandle.standardError.write(Data("  \((step + 1) * 100 / polls)%\n".utf8))
            }
        }
    }
    // In WAL mode VACUUM's result lands in the WAL; checkpoint afterwards so the file holds it all.
    try database.sync { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE)") }
    try naive.sync { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE)") }
    let ours = fileSize(path)
    let naiveTotal = fileSize(naivePath) * polls / naiveSample
    let jsonTotal = jsonBytes * polls / naiveSample
    let counts = try database.sync { connection in
        (
            try connection.scalar("SELECT count(*) FROM node_intervals").int64 ?? 0,
            try connection.scalar("SELECT count(*) FROM jobs").int64 ?? 0,
            try connection.scalar("SELECT count(*) FROM partition_samples").int64 ?? 0
        )
    }
    print(
        String(format: "  simulated and stored in %.1f s (%.0f ms per poll)", elapsed, elapsed * 1000 / Double(polls)))
    print(
        "  slurmbot database: \(mb(ours))  (\(counts.0) node intervals, \(counts.1) jobs, \(counts.2) partition samples)"
    )
    print(
        "  every node every poll, SQLite: \(mb(naiveTotal))  (\(naiveRowsPerPoll) rows a poll; measured on \(naiveSample) polls, scaled)"
    )
    print("  every node every poll, JSON lines as the original tool: \(mb(jsonTotal))")
    let tables = try database.sync { connection in
        try connection.statement("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
            .query { ($0.text(0), $0.int(1)) }
    }
    print("  by table and index: " + tables.prefix(9).map { "\($0.0) \(mb($0.1))" }.joined(separator: ", "))
    print(
        String(
            format: "  ratio: %.3f of the SQLite every-node size, %.3f of the JSON lines",
            Double(ours) / Double(naiveTotal), Double(ours) / Double(jsonTotal)))
}

switch which {
case "parse-store":
    try parseStore()
    try await pollWithAlerts()
case "storage-day": try storageDay()
case "status-10k": try await statusFactsBenchmark()
case "ssh-poll": try await sshPoll()
case "endpoint": try await endpointBenchmark()
case "charts": try await chartsBenchmark()
case "blocking": try await blockingBenchmark()
case "charts-profile":
    // For profilers: a day of --nodes nodes, then each chart (or --chart NAME) drawn three hundred times.
    let directory = scratch()
    let (database, end) = try simulateDay(nodes: nodeCount, into: directory)
    let charts =
        arguments.contains("--chart")
        ? ["/" + arguments[arguments.firstIndex(of: "--chart")! + 1]] : ["/history", "/heatmap"]
    for chart in charts {
        for _ in 0..<300 { _ = try await render(chart, database: database, now: end) }
    }
    try? FileManager.default.removeItem(atPath: directory)
case "parse-profile":
    // For profilers: parse the same output twenty times.
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let text = syntheticOutput(cluster: cluster, at: 1_781_614_800, jobs: jobCount, nonce: "b")
    for _ in 0..<20 { _ = try SnapshotParser.parse(stdout: text, stderr: "", nonce: "b", fallbackTime: 0) }
case "facts-profile":
    // For profilers: parse once, then compute and encode the facts fifty times.
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let snapshot = try SnapshotParser.parse(
        stdout: syntheticOutput(cluster: cluster, at: 1_781_614_800, jobs: jobCount, nonce: "b"), stderr: "",
        nonce: "b", fallbackTime: 0)
    for _ in 0..<50 { _ = try JSONEncoder().encode(ClusterFacts(snapshot, cluster: "big")) }
case "store-profile":
    // For profilers: parse once, then store the two polls ten times over.
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let a = try SnapshotParser.parse(
        stdout: syntheticOutput(cluster: cluster, at: 1_781_614_800, jobs: jobCount, nonce: "b"), stderr: "",
        nonce: "b", fallbackTime: 0)
    let b = try SnapshotParser.parse(
        stdout: syntheticOutput(cluster: cluster, at: 1_781_614_860, jobs: jobCount, nonce: "b"), stderr: "",
        nonce: "b", fallbackTime: 0)
    for _ in 0..<10 {
        let directory = scratch()
        let database = try Database(path: directory + "/p.db")
        try database.sync { connection in
            try connection.recordSnapshot(a, cluster: "big", source: "bench", startedAt: 1)
            try connection.recordSnapshot(b, cluster: "big", source: "bench", startedAt: 2)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
case "all":
    try parseStore()
    try await pollWithAlerts()
    try storageDay()
    try await statusFactsBenchmark()
    try await endpointBenchmark()
    try await chartsBenchmark()
    try await blockingBenchmark()
    if getuid() == 0 { try await sshPoll() } else { print("ssh-poll skipped: the lab needs root") }
default:
    print(
        "usage: slurmbot-bench [parse-store|storage-day|status-10k|endpoint|charts|blocking|ssh-poll|all] [--nodes N] [--jobs N] [--hours H] [--seconds S]"
    )
    exit(2)
}
