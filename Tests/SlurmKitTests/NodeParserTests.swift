import FixtureSupport
import Testing

@testable import SlurmKit

@Suite("scontrol show node -o")
struct NodeParserTests {
    let utc = SlurmClock(utcOffset: 0)

    func nodes(_ fixture: String) throws -> [String: Node] {
        let parsed = NodeParser.parse(try Fixtures.text(fixture), clock: utc)
        return Dictionary(uniqueKeysWithValues: parsed.map { ($0.name, $0) })
    }

    @Test(
        "every NodeName line of every fixture becomes a node",
        arguments: ["lab-22.05/nodes.txt"] + Fixtures.files(in: "nodes"))
    func everyLineParses(fixture: String) throws {
        let text = try Fixtures.text(fixture)
        let expected = text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("NodeName=") }.count
        let parsed = NodeParser.parse(text, clock: utc)
        #expect(parsed.count == expected)
        #expect(parsed.allSatisfy { !$0.name.isEmpty && $0.cpusTotal > 0 && $0.memoryMB > 0 })
    }

    @Test("real Slurm 22.05 lab: states, flags, GPUs, reasons")
    func lab() throws {
        let nodes = try nodes("lab-22.05/nodes.txt")
        #expect(nodes.count == 11)
        let n1 = try #require(nodes["n1"])
        #expect(n1.state == NodeState(base: .mixed))
        #expect(n1.cpusAllocated == 3 && n1.cpusTotal == 4 && n1.cpusEffective == 4)
        #expect(n1.cpuLoad == 0.08)
        #expect(n1.memoryMB == 8000 && n1.memoryAllocatedMB == 2100 && n1.memoryFreeMB == 23617)
        #expect(n1.gres == [Gres(name: "gpu", type: "tesla", count: 2)])
        #expect(n1.gpusTotal == 2 && n1.gpusUsed == 1)
        #expect(n1.features == ["gpu", "avx2"])
        #expect(n1.partitions == ["debug", "gpu"])
        #expect(n1.operatingSystem == "Linux 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0")
        #expect(n1.bootTime == utc.seconds("2026-11-24T18:45:29"))

        let n3 = try #require(nodes["n3"])
        #expect(n3.state.description == "MIXED+DRAIN")
        #expect(n3.state.category == .draining)
        #expect(
            n3.reason
                == NodeReason(
                    text: "lab: draining for maintenance", user: "root", time: utc.seconds("2026-11-24T19:40:21")))

        let n4 = try #require(nodes["n4"])
        #expect(n4.state.category == .drained)
        #expect(n4.reason?.text == "lab: bad DIMM")
        #expect(!n4.state.acceptsNewJobs)

        let n7 = try #require(nodes["n7"])
        #expect(n7.state.description == "UNKNOWN+NOT_RESPONDING")
        #expect(n7.state.category == .down)
        #expect(n7.cpuLoad == nil && n7.memoryFreeMB == nil && n7.bootTime == nil && n7.lastBusy == nil)

        #expect(nodes["n8"]?.state.category == .reserved)
        #expect(nodes["n8"]?.state.flags == [.maintenance, .reserved])
        #expect(nodes["n9"]?.state.description == "IDLE+RESERVED")
        #expect(nodes["n10"]?.state.category == .down)
        #expect(nodes["n10"]?.reason?.text == "Not responding")
        #expect(nodes["n11"]?.state.acceptsNewJobs == true)
        #expect(nodes["n6"]?.state.base == .down)
    }

    @Test("Slurm 20.11: no CPUEfctv, sinfo-style suffix, a reason containing '=' followed by another field")
    func slurm2011() throws {
        let nodes = try nodes("nodes/slurm-20.11.txt")
        let first = try #require(nodes["node001"])
        #expect(first.cpusEffective == 16)
        #expect(first.state.description == "ALLOCATED+COMPLETING")
        #expect(first.gres == [Gres(name: "gpu", type: "tesla", count: 2, detail: "S:0")])
        #expect(first.gpusUsed == 2)
        let drained = try #require(nodes["node002"])
        #expect(drained.reason?.text == "memtest failed: ecc=3 errors=12")
        #expect(drained.reason?.user == "admin")
        #expect(drained.state.category == .drained)
        let down = try #require(nodes["node003"])
        #expect(down.state == NodeState(base: .down, flags: [.notResponding]))
        #expect(down.features.isEmpty)
    }

    @Test("Slurm 23.11 with -d: GresUsed with indexes, PLANNED, CLOUD+POWERED_DOWN, reason before Comment")
    func slurm2311() throws {
        let nodes = try nodes("nodes/slurm-23.11.txt")
        let gpu = try #require(nodes["gpu01"])
        #expect(gpu.gresUsed == [Gres(name: "gpu", type: "a100", count: 3, detail: "IDX:0-1,3")])
        #expect(gpu.gpusTotal == 4 && gpu.gpusUsed == 3 && gpu.gpusFree == 1)
        #expect(gpu.cpusEffective == 62 && gpu.cpusFree == 38)
        #expect(gpu.state.description == "MIXED+PLANNED")
        #expect(!gpu.state.acceptsNewJobs)
        #expect(gpu.lastBusy == utc.seconds("2024-02-01T12:00:00"))
        let cloud = try #require(nodes["cloud07"])
        #expect(cloud.state.flags == [.cloud, .poweredDown])
        #expect(cloud.state.category == .down)
        let flapping = try #require(nodes["cpu112"])
        #expect(flapping.state.description == "IDLE+DRAIN+NOT_RESPONDING")
        #expect(flapping.state.category == .down)
        #expect(flapping.reason?.text == "IB link flapping, see ticket INC-0042")
    }

    @Test("Slurm 25.05: shards beside GPUs, unknown states kept verbatim, unicode reason")
    func slurm2505() throws {
        let nodes = try nodes("nodes/slurm-25.05.txt")
        let h100 = try #require(nodes["h100-a01"])
        #expect(h100.gres.count == 2)
        #expect(h100.gres.gpuCount == 4 && h100.gres.gpuTypes == ["h100"])
        #expect(h100.gresUsed?.last == Gres(name: "shard", type: "h100", count: 4, detail: "2/4,0/4,2/4,0/4"))
        #expect(h100.gpusUsed == 1)
        #expect(nodes["dyn-0001"]?.state.flags == [.dynamicNormal])
        let odd = try #require(nodes["odd-9"])
        #expect(odd.state.description == "BLOCKED+QUARANTINED")
        #expect(!odd.state.base.isKnown && !(odd.state.flags.first?.isKnown ?? true))
        #expect(odd.state.category == .other)
        #expect(odd.reason?.text == "Grafikkarte defekt – Ticket 42")
        #expect(odd.reason?.user == "hpc-admin")
        #expect(odd.features.isEmpty && odd.architecture == "aarch64")
    }

    @Test("garbage lines are skipped, never fatal")
    func garbage() {
        let text =
            "slurm_load_node error: Unable to contact slurm controller\n\nNodeName=x CPUTot=2 RealMemory=10 State=IDLE\nNodeName= State=\n"
        let parsed = NodeParser.parse(text, clock: utc)
        #expect(parsed.map(\.name) == ["x"])
    }
}
