import FixtureSupport
import Foundation
import Testing

/// An AWS ParallelCluster scaled to zero (Slurm 24.05.8, every node `IDLE+CLOUD+POWERED_DOWN`): the commands see
/// capacity on demand, not a cluster with nothing usable (issue 16, defect 1).
@Suite("a cloud cluster scaled to zero")
struct PoweredDownTests {
    @Test("/canrun says it starts once powered up; /status shows the nodes as ready on demand, not out of service")
    func scaledToZero() async throws {
        let (database, directory) = try await fixtureDatabase("versions/pcluster-24.05.8", cluster: "pc")
        defer { directory.remove() }
        let canrun = try await run("canrun", [("cpus", "4")], on: database, cluster: "pc").text
        #expect(canrun.contains("Yes, once powered up"), "\(canrun)")
        #expect(!canrun.contains("Never"), "\(canrun)")
        #expect(canrun.contains("sbatch -p "), "\(canrun)")
        let status = try await run("status", on: database, cluster: "pc").text
        #expect(status.contains("Powered down, ready on demand ("), "\(status)")
        #expect(!status.contains("Out of service"), "\(status)")
    }
}
