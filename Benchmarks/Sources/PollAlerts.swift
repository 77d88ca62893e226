import DiscordModels
import DiscordAPI
import Foundation
import Logging
import Poller
import SlurmbotSettings
import Remote
import Simulation
import SlurmKit
import Store
import Synchronization

/// Answers the poll script with prepared output (written with nonce "b"), the poll's own nonce put in: the text is
/// cut at its markers once, so a poll only joins the pieces (what a head node's transport costs is `ssh-poll`'s).
final class PreparedRunner: CommandRunner, Sendable {
    private let pieces = Mutex<[String]>([])
    var sourceDescription: String { "prepared" }

    func prepare(_ text: String) {
        let cut = text.components(separatedBy: "@@slurmbot:b@@")
        pieces.withLock { $0 = cut }
    }

    func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandOutput {
        guard let start = command.range(of: "m='@@slurmbot:")?.upperBound,
            let end = command[start...].range(of: "@@'")?.lowerBound
        else { return CommandOutput(stdout: "", stderr: "not the poll script", status: 127) }
        let nonce = command[start..<end]
        return CommandOutput(stdout: pieces.withLock { $0 }.joined(separator: "@@slurmbot:\(nonce)@@"))
    }
}

/// Whole polls of the 10,000-node cluster through `Poller.pollOnce`: without anyone watching, and with 300 watches,
/// the default watch and an ops channel (alerts queued, not sent), beside parse + store alone on the same output.
func pollWithAlerts() async throws {
    let cluster = SimulatedCluster(layout: .scaled(nodes: nodeCount))
    let t0: Int64 = 1_781_614_800
    let times = [t0, t0 + 60, t0 + 120]
    let outputs = times.map { syntheticOutput(cluster: cluster, at: $0, jobs: jobCount, nonce: "b") }
    let users = Set(
        try SnapshotParser.parse(stdout: outputs[0], stderr: "", nonce: "b", fallbackTime: 0).jobs.map(\.user)
    ).sorted()
    print("whole polls (Poller.pollOnce): \(cluster.nodeNames.count) nodes, \(jobCount) jobs, \(users.count) users")
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let settings = AlertSettings(
        defaultWatch: (users[0], "1"), client: DiscordClient(baseURL: "http://127.0.0.1:9/api/v10", botToken: "x"),
        hasBotToken: true, opsChannel: "2")
    var raw: [[Double]] = [[], [], []]
    var bare: [[Double]] = [[], [], []]
    var watched: [[Double]] = [[], [], []]
    var queued = 0
    for _ in 0..<5 {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = try Database(path: directory + "/raw.db")
        for (step, output) in outputs.enumerated() {
            raw[step].append(
                try time {
                    let snapshot = try SnapshotParser.parse(stdout: output, stderr: "", nonce: "b", fallbackTime: 0)
                    _ = try plain.sync {
                        try $0.recordSnapshot(snapshot, cluster: "big", source: "bench", startedAt: times[step])
                    }
                })
        }
        for (label, withAlerts) in [("bare", false), ("watched", true)] {
            let database = try Database(path: directory + "/\(label).db")
            if withAlerts {
                try database.sync { connection in
                    for (index, user) in users.prefix(300).enumerated() {
                        try connection.addWatch(
                            Watch(
                                cluster: "big", kind: .user, subject: user, discordUser: String(1000 + index),
                                notify: .dm, warn: index % 2 == 0, createdAt: 0))
                    }
                }
            }
            let runner = PreparedRunner()
            let poller = Poller(
                runner: runner, database: database, cluster: "big", alerts: withAlerts ? settings : nil,
                logger: logger)
            for (step, output) in outputs.enumerated() {
                runner.prepare(output)
                let started = ContinuousClock.now
                guard try await poller.pollOnce(now: times[step], deliver: false).succeeded else {
                    throw RemoteError.unavailable("a poll failed")
                }
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                if withAlerts { watched[step].append(seconds) } else { bare[step].append(seconds) }
            }
            if withAlerts { queued = try database.sync { try $0.outbox(cluster: "big").count } }
        }
    }
    for (step, name) in ["first poll (empty database)", "one minute later", "two minutes later"].enumerated() {
        let (r, b, w) = (median(raw[step]), median(bare[step]), median(watched[step]))
        print(
            "  \(name.padding(toLength: 28, withPad: " ", startingAt: 0))  parse+store \(ms(r))  "
                + "pollOnce \(ms(b)) (\(String(format: "%.2f", b / r))×)  with 300 watches \(ms(w)) "
                + "(\(String(format: "%.2f", w / r))×)")
    }
    print("  alerts queued over the three polls with watches: \(queued)  (medians of 5 runs)")
    let runner = PreparedRunner()
    runner.prepare(outputs[1])
    var transport: [Double] = []
    for _ in 0..<5 {
        let started = ContinuousClock.now
        _ = try await runner.run("m='@@slurmbot:abcdefgh12345678@@'", timeout: .seconds(10))
        let elapsed = ContinuousClock.now - started
        transport.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    print("  of which the prepared runner's answer (17 MB with the poll's nonce): \(ms(median(transport)))")
}
