import Commands
import DiscordModels
import Foundation
import Simulation
import SlurmKit
import Store

/// `/history` and `/heatmap` end to end (store query, aggregation, drawing, PNG) for 100, 1,000 and 10,000 nodes
/// over a day polled every 5 minutes, beside the original tool's way: pandas reading its `history.csv` and
/// `node_history.jsonl`, matplotlib drawing the same chart at the same pixel size (Benchmarks/charts.py).
func chartsBenchmark() async throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("charts.py").path
    let sizes = arguments.contains("--nodes") ? [nodeCount] : [100, 1_000, 10_000]
    print(
        "charts: a day polled every 5 minutes (288 polls); medians of 15 renders (theirs: 5); same data and pixel size")
    print("  nodes  chart    slurmbot   pandas+matplotlib   ratio   picture")
    for nodes in sizes {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (database, end) = try simulateDay(nodes: nodes, into: directory)
        for chart in ["history", "heatmap"] {
            var png: [UInt8] = []
            var seconds: [Double] = []
            for _ in 0..<15 {
                let started = ContinuousClock.now
                png = try await render("/\(chart)", database: database, now: end)
                seconds.append((ContinuousClock.now - started).seconds)
            }
            let (width, height) = pngSize(png)
            let python = try runPython(
                script, folder: directory, chart: chart, width: width, height: height,
                keepAs: NSTemporaryDirectory() + "slurmbot-\(chart)-\(nodes)-python.png")
            let ours = median(seconds)
            print(
                String(
                    format: "  %5d  %-7@  %6.1f ms   %14.0f ms   %4.0f×  %d×%d, %d KB (theirs %d KB)", nodes, chart,
                    ours * 1000, python.seconds * 1000, python.seconds / ours, width, height, png.count / 1024,
                    python.bytes / 1024))
            try Data(png).write(to: URL(fileURLWithPath: NSTemporaryDirectory() + "slurmbot-\(chart)-\(nodes).png"))
        }
    }
    print("  pictures kept: \(NSTemporaryDirectory())slurmbot-{history,heatmap}-N.png and …-python.png")
}

/// Stores the day in SQLite (as the poller would) and writes the original tool's files beside it.
func simulateDay(nodes: Int, into directory: String) throws -> (Database, Int64) {
    let end: Int64 = 1_781_614_800
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodes), epoch: end - 3 * 86_400)
    let database = try Database(path: directory + "/day.db")
    var csv = "timestamp,idle,mixed,allocated,down,other\n"
    var jsonl = Data()
    for step in 0..<288 {
        let at = end - Int64(287 - step) * 300
        let snapshot = cluster.snapshot(at: at)
        _ = try database.sync { try $0.recordSnapshot(snapshot, cluster: "demo", source: "bench", startedAt: at) }
        var counts: [String: Int] = [:]
        var states: [String: String] = [:]
        for node in snapshot.nodes {
            let label = originalLabel(node.state.category)
            counts[label, default: 0] += 1
            states[node.name] = label
        }
        csv +=
            "\(at),"
            + ["idle", "mixed", "allocated", "down", "other"].map { String(counts[$0] ?? 0) }
            .joined(separator: ",") + "\n"
        jsonl += try JSONSerialization.data(withJSONObject: ["timestamp": at, "nodes": states]) + Data("\n".utf8)
    }
    try csv.write(toFile: directory + "/history.csv", atomically: true, encoding: .utf8)
    try jsonl.write(to: URL(fileURLWithPath: directory + "/node_history.jsonl"))
    return (database, end + 60)
}

/// The original tool's four states (plus other).
func originalLabel(_ category: NodeCategory) -> String {
    switch category {
    case .idle: "idle"
    case .mixed: "mixed"
    case .allocated: "allocated"
    case .down, .drained, .draining: "down"
    case .reserved, .other: "other"
    }
}

/// The PNG a slash command attaches, produced by the same handler the endpoint runs.
func render(_ text: String, database: Database, now: Int64) async throws -> [UInt8] {
    let typed = try TypedCommand(parsing: text)
    let body = typed.interactionJSON(id: "1", token: "bench", applicationID: "1", guild: "1", user: "1")
    let interaction = try JSONDecoder().decode(Interaction.self, from: Data(body))
    let context = CommandContext(
        interaction: interaction, database: database, now: now, timeZone: TimeZone(identifier: "UTC")!,
        defaultCluster: "demo")
    let reply = await CommandTable.standard.handler(named: typed.name)!.run(context)
    guard let png = reply.files.first?.data else { throw BenchmarkError("\(text) drew nothing: \(reply.message)") }
    return png
}

/// Width and height from a PNG's IHDR chunk.
func pngSize(_ png: [UInt8]) -> (Int, Int) {
    func word(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (word(16), word(20))
}

/// Runs charts.py: it times reading, pandas and matplotlib to a PNG of the given size, median of 5.
func runPython(_ script: String, folder: String, chart: String, width: Int, height: Int, keepAs: String) throws -> (
    seconds: Double, bytes: Int
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, folder, chart, String(width), String(height)]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = output.split(separator: " ")
    guard process.terminationStatus == 0, fields.count == 2, let seconds = Double(fields[0]),
        let bytes = Int(fields[1].trimmingCharacters(in: .whitespacesAndNewlines))
    else { throw BenchmarkError("charts.py \(chart) failed: \(output)") }
    try? FileManager.default.removeItem(atPath: keepAs)
    try? FileManager.default.copyItem(atPath: folder + "/\(chart)-python.png", toPath: keepAs)
    return (seconds, bytes)
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
