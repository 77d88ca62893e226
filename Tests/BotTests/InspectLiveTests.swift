import DiscordModels
import FixtureSupport
import Foundation
import Logging
import Remote
import SlurmKit
import Testing

@testable import Commands

@Suite("/inspect with a live probe: the node's own load and memory, or Slurm's with the reason why")
struct InspectLiveTests {
    /// A probe that runs on this machine and leaves a mark each time it runs.
    static func probe(_ body: String, cluster: String = "lab", marker: String) -> CommandNodeProbe {
        CommandNodeProbe(
            cluster: cluster, runner: LocalRunner(), template: "echo {node} >> \(marker); \(body)",
            timeout: .seconds(10), logger: Logger(label: "inspect-live-tests"))
    }

    static func runs(_ marker: String) -> [String] {
        ((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("the probe's figures replace Slurm's load and free memory; allocations stay Slurm's")
    func live() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let marker = directory.file("runs")
        let reply = try await run(
            "inspect", [("node", "n1")], on: database,
            probe: Self.probe("cat /proc/loadavg /proc/meminfo", marker: marker))
        #expect(Self.runs(marker) == ["n1"])
        #expect(
            reply.embed?.description
                == "Load and available memory read on the node just now; allocations as of the last poll.")
        let fields = Dictionary(uniqueKeysWithValues: (reply.embed?.fields ?? []).map { ($0.name, $0.value) })
        #expect(fields["CPUs"]?.contains(" now (") == true && fields["CPUs"]?.contains("over 15)") == true)
        #expect(
            fields["Memory"]?.contains("allocated · ") == true && fields["Memory"]?.hasSuffix("available now") == true)
        #expect(reply.text.contains("train-resnet"), "the node's jobs are still listed")
    }

    @Test("a failing probe leaves Slurm's figures, and says why without the command's output")
    func failing() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let marker = directory.file("runs")
        let reply = try await run(
            "inspect", [("node", "n1")], on: database,
            probe: Self.probe("echo 'ssh: connect to host 10.9.9.9: No route' >&2; exit 255", marker: marker))
        #expect(
            reply.embed?.description
                == "Live figures unavailable: the probe could not read the node (exit status 255). "
                + "Load and memory as Slurm reported them at the last poll.")
        #expect(!reply.text.contains("10.9.9.9"))
        #expect(!reply.ephemeral && reply.text.contains("of 2 in use"))
    }

    @Test("no probe runs for a node the store does not know, a hostile name, or another cluster's node")
    func notRun() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let marker = directory.file("runs")
        let probe = Self.probe("cat /proc/loadavg /proc/meminfo", marker: marker)
        let unknown = try await run("inspect", [("node", "n9999")], on: database, probe: probe)
        #expect(unknown.ephemeral)
        let hostile = try await run("inspect", [("node", "n1;reboot")], on: database, probe: probe)
        #expect(hostile.ephemeral)
        let elsewhere = try await run(
            "inspect", [("node", "n1")], on: database,
            probe: Self.probe("cat /proc/loadavg /proc/meminfo", cluster: "other", marker: marker))
        #expect(elsewhere.embed?.description == "Load and memory as Slurm reported them at the last poll.")
        #expect(Self.runs(marker).isEmpty)
    }
}
