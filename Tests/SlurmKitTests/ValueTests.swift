import Testing

@testable import SlurmKit

@Suite("durations, sizes, timestamps, GRES")
struct ValueTests {
    @Test(
        "durations",
        arguments: [
            ("1-02:03:04", SlurmDuration.seconds(93_784)), ("02:03:04", .seconds(7384)), ("3:04", .seconds(184)),
            ("0:00", .seconds(0)), ("UNLIMITED", .unlimited), ("INVALID", .unknown("INVALID")),
            ("N/A", .unknown("N/A")), ("2-00:00:00", .seconds(172_800)), ("5", .seconds(300)),
            ("1-12", .seconds(129_600)),
        ])
    func durations(text: String, expected: SlurmDuration) {
        #expect(SlurmDuration(parsing: text) == expected)
    }

    @Test("durations print as squeue prints them")
    func durationText() {
        #expect(SlurmDuration.seconds(93_784).description == "1-02:03:04")
        #expect(SlurmDuration.seconds(89).description == "1:29")
        #expect(SlurmDuration.seconds(7200).description == "2:00:00")
    }

    @Test(
        "memory",
        arguments: [("8000M", 8000), ("1.50G", 1536), ("2T", 2_097_152), ("512K", 1), ("100", 100), ("4000Mc", 4000)])
    func memory(text: String, expected: Int) {
        #expect(MemorySize.megabytes(text) == expected)
    }

    @Test("memory and times too large for any machine are unreadable, not a crash (found by scripts/fuzz slurm)")
    func memoryOverflow() {
        for text in ["99999999999999999999999T", "1e300G", "9223372036854775807P", "1e12"] {
            #expect(MemorySize.megabytes(text) == nil, "\(text)")
        }
        // And times so long they would overflow (found the same way).
        for text in ["9999999999999999:00:00", "99999999999999-1:00:00", "1-999999999999999999"] {
            #expect(SlurmDuration(parsing: text).seconds == nil, "\(text)")
        }
    }

    @Test("timestamps use the head node's offset, and round-trip")
    func timestamps() {
        let utc = SlurmClock(utcOffset: 0)
        #expect(utc.seconds("1970-01-01T00:00:00") == 0)
        #expect(utc.seconds("2026-11-24T19:40:17") == 1_795_549_217)
        let cet = SlurmClock(offsetText: "+0100")
        #expect(cet?.seconds("2026-11-24T20:40:17") == 1_795_549_217)
        #expect(SlurmClock(offsetText: "-0530")?.utcOffset == -19_800)
        #expect(utc.seconds("N/A") == nil && utc.seconds("Unknown") == nil && utc.seconds("2026-13-01T00:00:00") == nil)
        for time in stride(from: Int64(0), to: 4_000_000_000, by: 86_399_999) {
            #expect(utc.seconds(utc.format(time)) == time)
            #expect(cet!.seconds(cet!.format(time)) == time)
        }
    }

    @Test("GRES lists")
    func gres() {
        #expect(Gres.parseList("gpu:a100:4(S:0-1),gpu:tesla:2(IDX:0-1)").gpuCount == 6)
        #expect(Gres.parseList("gpu:2,mps:200").gpuCount == 2)
        #expect(Gres.parseList("gres:gpu:1") == [Gres(name: "gpu", count: 1)])
        #expect(Gres.parseList("gpu") == [Gres(name: "gpu", count: 1)])
        #expect(Gres.parseList("(null)").isEmpty)
        #expect(Gres.parseList("gpu:a100:0(IDX:N/A)") == [Gres(name: "gpu", type: "a100", count: 0, detail: "IDX:N/A")])
        #expect(Gres.parseList("gpu:tesla:2(S:0-1)").first?.description == "gpu:tesla:2(S:0-1)")
    }

    @Test("node states from text")
    func states() {
        #expect(NodeState(parsing: "IDLE*") == NodeState(base: .idle, flags: [.notResponding]))
        #expect(NodeState(parsing: "idle~").flags == [.poweredDown])
        #expect(NodeState(parsing: "MIXED+PLANNED").category == .mixed)
        #expect(NodeState(parsing: "ALLOCATED+DRAIN").category == .draining)
        #expect(NodeState(parsing: "DOWN+DRAIN").category == .down)
        #expect(NodeState(parsing: "IDLE+POWERED_DOWN").category == .other)
        #expect(NodeState(parsing: "FUTURE").category == .other)
        #expect(NodeState(parsing: "IDLE").acceptsNewJobs && NodeState(parsing: "MIXED").acceptsNewJobs)
        #expect(!NodeState(parsing: "MIXED+COMPLETING").acceptsNewJobs)
    }
}
