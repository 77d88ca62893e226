import FixtureSupport
import Testing

@testable import SlurmKit

@Suite("scontrol show partition -o")
struct PartitionParserTests {
    @Test(
        "every PartitionName line of every fixture becomes a partition",
        arguments: ["lab-22.05/partitions.txt"] + Fixtures.files(in: "partitions"))
    func everyLineParses(fixture: String) throws {
        let text = try Fixtures.text(fixture)
        let expected = text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("PartitionName=") }.count
        #expect(PartitionParser.parse(text).count == expected)
    }

    @Test("real Slurm 22.05 lab partitions")
    func lab() throws {
        let partitions = PartitionParser.parse(try Fixtures.text("lab-22.05/partitions.txt"))
        #expect(partitions.map(\.name) == ["debug", "batch", "gpu", "maint"])
        let debug = partitions[0]
        #expect(debug.isDefault && debug.isUp)
        #expect(debug.nodes == ["n1", "n2", "n3", "n4", "n5"])
        #expect(debug.maxTime == .seconds(7200))
        #expect(debug.defaultTime == .seconds(1800))
        #expect(debug.tres["gres/gpu"] == "2")
        let batch = partitions[1]
        #expect(batch.nodes.count == 10 && batch.nodes.last == "n11")
        #expect(batch.maxTime == .unlimited)
        #expect(batch.totalCPUs == 28)
        #expect(partitions[2].maxTime == .seconds(2 * 86_400))
        #expect(partitions[2].nodes == ["n1"])
        #expect(partitions[3].state == "DOWN" && !partitions[3].isUp)
    }

    @Test("Slurm 23.11: several host list groups, empty partition, QOS, priority tier, hidden")
    func slurm2311() throws {
        let partitions = PartitionParser.parse(try Fixtures.text("partitions/slurm-23.11.txt"))
        let gpu = partitions[0]
        #expect(gpu.nodes == ["gpu01", "gpu02", "gpu03", "gpu04", "gpu07", "cpu-a1", "cpu-a2", "cpu-a3"])
        #expect(gpu.qos == "gpu_qos" && gpu.priorityTier == 10)
        #expect(gpu.maxTime == .seconds(7 * 86_400))
        let old = partitions[1]
        #expect(old.nodes.isEmpty && old.hidden && old.state == "INACTIVE" && old.defaultTime == nil)
        #expect(partitions[2].nodes.count == 128 && partitions[2].nodes.first == "cpu001")
        #expect(partitions[2].state == "DRAIN" && partitions[2].isDefault)
    }
}
