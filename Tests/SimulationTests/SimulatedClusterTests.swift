import Testing

@testable import Simulation
@testable import SlurmKit

@Suite("the simulated cluster")
struct SimulatedClusterTests {
    /// A Tuesday, 2026-06-16 13:00 UTC: well after the epoch, in working hours.
    let noon: Int64 = 1_781_614_800

    func parse(_ cluster: SimulatedCluster, at time: Int64) throws -> ClusterSnapshot {
        try SnapshotParser.parse(
            stdout: cluster.output(at: time, nonce: "t0"), stderr: "", nonce: "t0", fallbackTime: 0)
    }

    @Test("its text parses back to exactly the models it was printed from")
    func roundTrip() throws {
        let cluster = SimulatedCluster()
        for step in 0..<12 {
            let time = noon + Int64(step) * 1800
            let models = cluster.snapshot(at: time)
            let parsed = try parse(cluster, at: time)
            #expect(parsed.takenAt == time)
            #expect(parsed.notes.isEmpty)
            #expect(parsed.nodes == models.nodes)
            #expect(parsed.partitions == models.partitions)
            #expect(parsed.jobs == models.jobs)
            #expect(parsed.accounting == models.accounting)
        }
    }

    @Test("about 60 nodes in 3 partitions, with GPU nodes")
    func shape() throws {
        let snapshot = SimulatedCluster().snapshot(at: noon)
        #expect(snapshot.nodes.count == 60)
        #expect(snapshot.partitions.map(\.name) == ["cpu", "gpu", "bigmem"])
        #expect(snapshot.nodes.filter { $0.gpusTotal > 0 }.count == 12)
        #expect(Set(snapshot.nodes.map(\.name)).count == 60)
    }

    @Test("the same moment gives the same cluster, whatever was asked before")
    func deterministic() {
        let fresh = SimulatedCluster().snapshot(at: noon + 7200)
        let walked = SimulatedCluster()
        for step in 0..<30 { _ = walked.snapshot(at: noon - 86_400 + Int64(step) * 3000) }
        let later = walked.snapshot(at: noon + 7200)
        #expect(fresh.nodes == later.nodes)
        #expect(fresh.jobs == later.jobs)
        _ = walked.snapshot(at: noon + 86_400 * 3)
        #expect(walked.snapshot(at: noon + 7200).jobs == fresh.jobs)
    }

    @Test("a day has every final state, several pending reasons, a drained node and a node that goes down and back")
    func aDayOfEvents() throws {
        let cluster = SimulatedCluster()
        var finals = Set<JobState>()
        var reasons = Set<String>()
        var drained = false
        var flakyStates: [NodeCategory] = []
        var ids = Set<Int>()
        for step in 0..<(24 * 12) {
            let snapshot = cluster.snapshot(at: noon + Int64(step) * 300)
            for job in snapshot.jobs {
                if job.state.isFinal { finals.insert(job.state) }
                if job.state.isPending { reasons.insert(job.reason.code) }
                ids.insert(job.jobID)
            }
            for node in snapshot.nodes {
                if node.name == "c07", node.state.has(.drain), node.reason?.text == "bad DIMM, ticket #4411" {
                    drained = true
                }
                if node.name == "g03" { flakyStates.append(node.state.category) }
            }
        }
        #expect(finals.isSuperset(of: [.completed, .failed, .timeout, .outOfMemory, .cancelled, .nodeFail]))
        #expect(
            reasons.isSuperset(of: ["Resources", "Priority", "Dependency", "JobHeldAdmin", "QOSMaxJobsPerUserLimit"]))
        #expect(drained)
        #expect(flakyStates.contains(.down))
        #expect(flakyStates.last != .down || flakyStates.dropLast().contains { $0 != .down })
        let downThenUp = zip(flakyStates, flakyStates.dropFirst()).contains { $0 == .down && $1 != .down }
        #expect(downThenUp)
        #expect(ids.count > 500)
    }

    @Test("job ids are unique across lanes and grow with submission time")
    func ids() {
        let cluster = SimulatedCluster()
        let jobs = cluster.snapshot(at: noon).jobs
        #expect(Set(jobs.map(\.jobID)).count == jobs.count)
        let sorted = jobs.sorted { ($0.submitTime ?? 0) < ($1.submitTime ?? 0) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where (a.submitTime ?? 0) / 60 < (b.submitTime ?? 0) / 60 {
            #expect(a.jobID < b.jobID)
        }
    }

    @Test("a running job fits its nodes: no node has more CPUs or GPUs allocated than it has")
    func capacity() {
        let cluster = SimulatedCluster()
        for step in 0..<48 {
            for node in cluster.snapshot(at: noon + Int64(step) * 1800).nodes {
                #expect(node.cpusAllocated <= node.cpusTotal)
                #expect(node.gpusUsed <= node.gpusTotal)
                #expect(node.memoryAllocatedMB <= node.memoryMB)
            }
        }
    }

    @Test("before its epoch the cluster has nodes but no jobs")
    func beforeEpoch() {
        let snapshot = SimulatedCluster().snapshot(at: SimulatedCluster.defaultEpoch - 3600)
        #expect(snapshot.nodes.count == 60 && snapshot.jobs.isEmpty)
    }

    @Test("scaled layouts reach 10,000 nodes with unique names")
    func scaled() {
        let cluster = SimulatedCluster(layout: .scaled(nodes: 10_000))
        #expect(abs(cluster.nodeNames.count - 10_000) < 100)
        #expect(Set(cluster.nodeNames).count == cluster.nodeNames.count)
    }
}
