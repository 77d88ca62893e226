import FixtureSupport
import Testing

@testable import SlurmKit

@Suite("live node figures: /proc/loadavg and /proc/meminfo as a probe prints them")
struct NodeVitalsTests {
    @Test("a current kernel: loads, MemTotal and MemAvailable")
    func current() throws {
        let vitals = try NodeVitals(parsing: try Fixtures.text("node-probe/linux-6.18.txt"))
        #expect(vitals.loads == [0.60, 0.66, 0.84])
        #expect(vitals.memoryTotalMB == 24_684_092 / 1024)
        #expect(vitals.memoryAvailableMB == 24_192_520 / 1024)
    }

    @Test("an old kernel without MemAvailable, behind a login banner: free plus buffers and cache")
    func oldKernel() throws {
        let vitals = try NodeVitals(parsing: try Fixtures.text("node-probe/kernel-3.10-banner.txt"))
        #expect(vitals.loads == [12.5, 8.25, 4.0])
        #expect(vitals.memoryTotalMB == 16_333_780 / 1024)
        #expect(vitals.memoryAvailableMB == 1024 + 512 + 2048)
    }

    @Test(
        "output that is not both files is refused with what is missing",
        arguments: [
            ("", "no load averages in the probe's output"),
            ("MemTotal: 1024 kB\n", "no load averages in the probe's output"),
            ("0.1 0.2 0.3 1/2 3\n", "no MemTotal in the probe's output"),
            ("0.1 0.2 0.3 1/2 3\nMemTotal: 0 kB\n", "no MemTotal in the probe's output"),
            ("-1 0.2 0.3 1/2 3\nMemTotal: 1024 kB\n", "no load averages in the probe's output"),
            ("nan 0.2 0.3 1/2 3\nMemTotal: 1024 kB\n", "no load averages in the probe's output"),
            ("ssh: connect to host n1 port 22: Connection refused\n", "no load averages in the probe's output"),
        ])
    func refused(text: String, reason: String) {
        #expect(throws: NodeProbeError(reason)) { try NodeVitals(parsing: text) }
    }

    @Test("available memory never exceeds the total, whatever the file says")
    func clamped() throws {
        let vitals = try NodeVitals(parsing: "1 1 1 1/1 1\nMemTotal: 2048 kB\nMemAvailable: 999999 kB\n")
        #expect(vitals.memoryTotalMB == 2 && vitals.memoryAvailableMB == 2)
    }

    @Test("names: Slurm's characters only, 1 to 64 of them, no leading '-'")
    func names() {
        for good in ["n1", "gpu-a100.07", "N_2", String(repeating: "a", count: 64)] {
            #expect(SlurmName.isValid(good), "\(good)")
        }
        for bad in [
            "", "n1;id", "$(id)", "n1 n2", "n1'", "n1\n", "ñ1", "../n1", "n1`", "-n1",
            String(repeating: "a", count: 65),
        ] {
            #expect(!SlurmName.isValid(bad), "\(bad)")
        }
    }
}
