import Foundation
import Logging
import Poller
import Remote
import Simulation
import SlurmKit
import Store

/// One poll through the bastion on loopback, against the lab (`scripts/lab`), beside OpenSSH's `ssh -J` running the
/// same command text in the same run: the lab's real poll, and a 10,000-node / 50,000-job output printed on the head.
func sshPoll() async throws {
    let lab = ProcessInfo.processInfo.environment["LAB"] ?? "/var/lib/slurmbot-lab"
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let shell = LocalRunner()
    if try await shell.run("LAB=\(lab) \(repository)/scripts/lab status", timeout: .seconds(30)).status != 0 {
        print("starting the lab (scripts/lab start --quick)…")
        let started = try await shell.run(
            "LAB=\(lab) \(repository)/scripts/lab start --quick 2>&1", timeout: .seconds(600))
        guard started.status == 0 else {
            print(started.stdout)
            exit(1)
        }
    }
    var values: [String: String] = [:]
    for line in try String(contentsOfFile: lab + "/lab.env", encoding: .utf8).split(separator: "\n") {
        let parts = line.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
    }
    let key = SSHCredentials(keyPath: values["LAB_SSH_KEY"]!)
    let head = SSHEndpoint(host: "127.0.0.1", port: Int(values["LAB_HEAD_PORT"]!)!, user: "labuser", credentials: key)
    let bastion = SSHEndpoint(
        host: "127.0.0.1", port: Int(values["LAB_BASTION_PORT"]!)!, user: "labuser", credentials: key)
    let logger = Logger(label: "bench")
    let runner = SSHRunner(
        head: head, bastion: bastion, options: SSHOptions(knownHostsPath: values["LAB_KNOWN_HOSTS"]!), logger: logger)
    let directory = scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }

    /// Seconds for OpenSSH (`ssh -F config head`, ProxyJump through the bastion) to run `command` and hand us all
    /// of its output; the command text is read from a file so the exact same bytes are sent.
    func openssh(_ command: String) async throws -> (seconds: Double, bytes: Int) {
        let file = directory + "/command.sh"
        try command.write(toFile: file, atomically: true, encoding: .utf8)
        let start = ContinuousClock.now
        let output = try await shell.run(
            "ssh -F \(values["LAB_SSH_CONFIG"]!) head \"$(cat \(file))\"", timeout: .seconds(120))
        let elapsed = ContinuousClock.now - start
        guard output.status == 0 else { throw RemoteError.unavailable("ssh -J failed: \(output.stderr)") }
        return (seconds(elapsed), output.stdout.utf8.count)
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // The lab's own poll: the Poller's whole path, and the transport alone, against ssh -J.
    let database = try Database(path: directory + "/lab.db")
    let poller = Poller(runner: runner, database: database, cluster: "lab", logger: logger)
    let script = PollScript.script(nonce: "bench0")
    _ = try await poller.pollOnce()
    var whole: [Double] = []
    var transport: [Double] = []
    var reference: [Double] = []
    var labBytes = 0
    var bare: [Double] = []
    var bareReference: [Double] = []
    for _ in 0..<10 {
        let bareStart = ContinuousClock.now
        _ = try await runner.run("true", timeout: .seconds(30))
        bare.append(seconds(ContinuousClock.now - bareStart))
        bareReference.append(try await openssh("true").seconds)
        let start = ContinuousClock.now
        guard try await poller.pollOnce().succeeded else { throw RemoteError.unavailable("a lab poll failed") }
        whole.append(seconds(ContinuousClock.now - start))
        let transportStart = ContinuousClock.now
        labBytes = try await runner.run(script, timeout: .seconds(30)).stdout.utf8.count
        transport.append(seconds(ContinuousClock.now - transportStart))
        reference.append(try await openssh(script).seconds)
    }
    print("ssh poll of the lab through the bastion (\(labBytes) bytes of output; medians of 10):")
    print("  slurmbot: connect + command \(ms(median(transport))), whole poll with parse + store \(ms(median(whole)))")
    print("  OpenSSH ssh -J, same command: \(ms(median(reference)))")
    print(String(format: "  ratio (slurmbot transport / ssh -J): %.2f", median(transport) / median(reference)))
    print(
        "  the connection alone (command true): slurmbot \(ms(median(bare))), ssh -J \(ms(median(bareReference)))"
            + String(format: ", ratio %.2f", median(bare) / median(bareReference)))

    // 10,000 nodes and 50,000 jobs, printed on the head by cat.
    let cluster = SimulatedCluster(layout: .scaled(nodes: 10_000))
    let text = syntheticOutput(cluster: cluster, at: 1_781_614_800, jobs: 50_000, nonce: "big0")
    let bench = lab + "/bench"
    try FileManager.default.createDirectory(
        atPath: bench, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    try text.write(toFile: bench + "/poll-10k.txt", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bench + "/poll-10k.txt")
    let cat = "cat \(bench)/poll-10k.txt"
    var bigTransport: [Double] = []
    var bigParse: [Double] = []
    var bigStore: [Double] = []
    var bigReference: [Double] = []
    for round in 0..<5 {
        let start = ContinuousClock.now
        let output = try await runner.run(cat, timeout: .seconds(120))
        bigTransport.append(seconds(ContinuousClock.now - start))
        guard output.stdout.utf8.count == text.utf8.count else { throw RemoteError.unavailable("short output") }
        var snapshot: ClusterSnapshot!
        bigParse.append(
            try time {
                snapshot = try SnapshotParser.parse(stdout: output.stdout, stderr: "", nonce: "big0", fallbackTime: 0)
            })
        let store = try Database(path: directory + "/big\(round).db")
        let taken = snapshot!
        bigStore.append(
            try time {
                _ = try store.sync { try $0.recordSnapshot(taken, cluster: "big", source: "bench", startedAt: 1) }
            })
        bigReference.append(try await openssh(cat).seconds)
    }
    print("ssh poll of 10,000 nodes / 50,000 jobs printed on the head (\(mb(text.utf8.count)); medians of 5):")
    print(
        "  slurmbot: connect + command \(ms(median(bigTransport))), parse \(ms(median(bigParse))), store (first poll) "
            + "\(ms(median(bigStore))), total \(ms(median(bigTransport) + median(bigParse) + median(bigStore)))")
    print("  OpenSSH ssh -J, same command: \(ms(median(bigReference)))")
    print(String(format: "  ratio (slurmbot transport / ssh -J): %.2f", median(bigTransport) / median(bigReference)))
}
