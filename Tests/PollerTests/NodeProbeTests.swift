import FixtureSupport
import Foundation
import Logging
import Poller
import SlurmbotSettings
import Remote
import SlurmKit
import Testing

@Suite("the live node probe /inspect uses: the command, its checks, its failures, its settings")
struct NodeProbeTests {
    static let logger = Logger(label: "node-probe-tests")

    static func probe(_ template: String, timeout: Duration = .seconds(10), concurrency: Int = 4) -> CommandNodeProbe {
        CommandNodeProbe(
            cluster: "c1", runner: LocalRunner(), template: template, timeout: timeout, concurrency: concurrency,
            logger: logger)
    }

    @Test("the command prints this machine's files; the figures are this machine's")
    func live() async throws {
        let vitals = try await Self.probe("cat /proc/loadavg /proc/meminfo # {node}").vitals(of: "n1").get()
        let total = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("MemTotal:") }?.split(separator: " ")[1]
        #expect(vitals.memoryTotalMB == Int(try #require(total)).map { $0 / 1024 })
        #expect(vitals.loads.count == 3)
    }

    @Test("the node's name goes in quoted, and only when it is a name Slurm would use")
    func commandText() {
        #expect(CommandNodeProbe.command("ssh {node} cat x", node: "gpu-01.a") == "ssh 'gpu-01.a' cat x")
        for hostile in ["n1; touch pwned", "$(touch pwned)", "`touch pwned`", "n1'", "n1\nid", "", "-oProxyCommand"] {
            #expect(CommandNodeProbe.command("ssh {node} cat x", node: hostile) == nil, "\(hostile)")
        }
    }

    @Test("a hostile name is refused before anything runs")
    func hostileNames() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let marker = directory.file("ran")
        let probe = Self.probe("touch \(marker); cat /proc/loadavg /proc/meminfo # {node}")
        for hostile in ["n1; touch pwned", "$(touch pwned)", "n1'x", "a b"] {
            #expect(await probe.vitals(of: hostile) == .failure(NodeProbeError("that is not a node name")))
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
        _ = await probe.vitals(of: "n1")
        #expect(FileManager.default.fileExists(atPath: marker), "a good name does run")
    }

    @Test(
        "failures say what happened in words fit for the chat, never the command's output",
        arguments: [
            (
                "echo 'ssh: connect to host 10.1.2.3 port 22: No route' >&2; exit 255 # {node}",
                "the probe could not read the node (exit status 255)", 20
            ),
            ("echo hello # {node}", "the probe's output could not be read", 20),
            ("sleep 30 # {node}", "the node did not answer within 1 s", 1),
        ])
    func failures(template: String, reason: String, seconds: Int) async {
        let outcome = await Self.probe(template, timeout: .seconds(seconds)).vitals(of: "n1")
        #expect(outcome == .failure(NodeProbeError(reason)))
    }

    @Test("past its concurrency limit a probe answers at once instead of queueing")
    func busy() async throws {
        let probe = Self.probe("sleep 2; cat /proc/loadavg /proc/meminfo # {node}", concurrency: 1)
        async let first = probe.vitals(of: "n1")
        try await Task.sleep(for: .milliseconds(500))
        #expect(
            await probe.vitals(of: "n2")
                == .failure(NodeProbeError("too many live probes are running; try again in a moment")))
        #expect((try? await first.get()) != nil)
        #expect((try? await probe.vitals(of: "n3").get()) != nil, "the slot is free again")
    }

    @Test("settings: off when unset; {node} required; only where the poll runs on the cluster")
    func settings() throws {
        #expect(try Settings(values: [:]).nodeProbe(logger: Self.logger) == nil)
        #expect(
            throws: SettingsError("SLURMBOT_NODE_PROBE must contain {node} where the node's name goes")
        ) {
            try Settings(values: ["SLURMBOT_NODE_PROBE": "cat /proc/loadavg", "SLURM_SOURCE": "local"])
                .nodeProbe(logger: Self.logger)
        }
        #expect(
            throws: SettingsError(
                "SLURMBOT_NODE_PROBE runs where the poll runs, so it needs SLURM_SOURCE=ssh or local (not simulated)")
        ) {
            try Settings(values: ["SLURMBOT_NODE_PROBE": "x {node}", "SLURM_SOURCE": "simulated"])
                .nodeProbe(logger: Self.logger)
        }
        #expect(
            throws: SettingsError("SLURMBOT_NODE_PROBE_TIMEOUT must be a whole number above 0, got 'soon'")
        ) {
            try Settings(values: [
                "SLURMBOT_NODE_PROBE": "x {node}", "SLURM_SOURCE": "local", "SLURMBOT_NODE_PROBE_TIMEOUT": "soon",
            ]).nodeProbe(logger: Self.logger)
        }
        let probe = try #require(
            try Settings(values: [
                "SLURMBOT_NODE_PROBE": "x {node}", "SLURM_SOURCE": "local", "SLURMBOT_CLUSTER": "hpc",
            ])
            .nodeProbe(logger: Self.logger))
        #expect(probe.cluster == "hpc")
    }
}
