import Analyst
import ClusterFacts
import FixtureSupport
import Foundation
import Simulation
import SlurmKit
import Store
import Testing
import Threads

/// The facts against the store's own row-by-row reads of the same snapshot: one truth, whichever way it is read.
@Suite("cluster facts: computed once per poll, stored with the snapshot, equal to what the rows say")
struct ClusterFactsTests {
    static func simulatedSnapshot(nodes: Int, at time: Int64) throws -> ClusterSnapshot {
        let cluster = SimulatedCluster(layout: .scaled(nodes: nodes), epoch: time - 2 * 86_400)
        return try SnapshotParser.parse(
            stdout: cluster.output(at: time, nonce: "f", toppedUpTo: nodes * 5), stderr: "", nonce: "f",
            fallbackTime: time)
    }

    /// Stores `snapshot` and checks the stored facts against the rows written beside them.
    /// On the store's own thread: the big snapshots take seconds, which on one of the two threads Swift's tasks
    /// run on would stall the suites beside (the in-process HTTP servers stopped answering).
    /// - Parameter fits: how many of the `/canrun` requests to check, in every partition (all by default).
    static func checkAgainstRows(_ snapshot: ClusterSnapshot, fits: Int = .max) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await Database(path: directory.file("facts.db")).run { connection in
            try check(connection, snapshot, fits: fits)
        }
    }

    static func check(_ connection: Connection, _ snapshot: ClusterSnapshot, fits: Int = .max) throws {
        _ = try connection.recordSnapshot(snapshot, cluster: "c", source: "test", startedAt: snapshot.takenAt)
        let facts = try #require(try connection.latestFacts(cluster: "c"))
        // On the first poll every node's history starts with the snapshot.
        #expect(facts.outOfService.allSatisfy { $0.since == snapshot.takenAt })
        var stored = facts
        for index in stored.outOfService.indices { stored.outOfService[index].since = nil }
        #expect(stored == ClusterFacts(snapshot, cluster: "c"), "the stored facts decode to what was computed")
        #expect(facts.snapshotAt == snapshot.takenAt && facts.version == ClusterFacts.currentVersion)

        // The samples store every state's count, zeros included; the facts leave zeros out.
        func withoutZeros(_ usage: [PartitionUsage]) -> Set<PartitionUsage> {
            Set(
                usage.map {
                    var item = $0; item.nodesByCategory = item.nodesByCategory.filter { $0.value > 0 }; return item
                })
        }
        #expect(withoutZeros(facts.usage) == withoutZeros(try connection.latestUsage(cluster: "c")), "samples agree")
        #expect(facts.partitions.map(\.name) == (try connection.currentPartitions(cluster: "c")).map(\.name))

        let nodes = try connection.currentNodes(cluster: "c")
        let troubled = nodes.filter {
            [.down, .drained, .draining].contains($0.state.category) || $0.state.has(.notResponding)
        }
        #expect(facts.outOfService.map(\.name) == troubled.map(\.name))
        #expect(facts.outOfService.map(\.reason) == troubled.map(\.reason))

        for scope in [PartitionUsage.allPartitions] + facts.partitions.map(\.name) {
            let inScope = nodes.filter { scope == PartitionUsage.allPartitions || $0.partitions.contains(scope) }
            let gpuNodes = inScope.filter { $0.gpusTotal > 0 }
            let total = gpuNodes.reduce(0) { $0 + $1.gpusTotal }
            let free = gpuNodes.filter(\.state.acceptsNewJobs).reduce(0) { $0 + $1.gpusFree }
            let summary = facts.gpus[scope]
            #expect((summary?.byType.values.reduce(0) { $0 + $1.total } ?? 0) == total, "GPUs in \(scope)")
            #expect((summary?.byType.values.reduce(0) { $0 + $1.free } ?? 0) == free, "free GPUs in \(scope)")
            let waiting = try connection.waitingJobsByReason(
                cluster: "c", partition: scope == PartitionUsage.allPartitions ? nil : scope)
            #expect((facts.waitingByReason[scope] ?? [:]) == waiting, "waiting jobs in \(scope)")

            // What is free now, in all, in the largest block and how scattered: from the rows, node by node.
            let accepting = inScope.filter {
                $0.state.acceptsNewJobs && [.idle, .mixed, .allocated].contains($0.state.category)
            }
            func memoryFree(_ node: Node) -> Int { max(0, node.memoryMB - node.memoryAllocatedMB) }
            let idle = accepting.filter {
                $0.cpusFree == $0.cpusEffective && memoryFree($0) == $0.memoryMB && $0.gpusFree == $0.gpusTotal
            }
            let freeCPUs = accepting.reduce(0) { $0 + $1.cpusFree }
            let scattered = freeCPUs - idle.reduce(0) { $0 + $1.cpusFree }
            let room = facts.capacity.free(in: scope == PartitionUsage.allPartitions ? nil : scope)
            #expect(room.nodesAccepting == accepting.count && room.nodesIdle == idle.count, "nodes free in \(scope)")
            #expect(
                room.free
                    == Capacity.Resources(
                        cpus: freeCPUs, memoryMB: accepting.reduce(0) { $0 + memoryFree($1) },
                        gpus: accepting.reduce(0) { $0 + $1.gpusFree }), "free in \(scope)")
            #expect(
                room.largestBlock
                    == Capacity.Resources(
                        cpus: accepting.map(\.cpusFree).max() ?? 0, memoryMB: accepting.map(memoryFree).max() ?? 0,
                        gpus: accepting.map(\.gpusFree).max() ?? 0), "largest block in \(scope)")
            #expect(
                room.scatteredCPUShare == (freeCPUs > 0 ? Double(scattered) / Double(freeCPUs) : 0),
                "scattered CPUs in \(scope)")
        }
        try checkJobs(facts, connection)
        try checkFits(facts, connection, count: fits)
    }

    /// `/queue`'s numbers: per scope and per user, as counted from every listed job.
    static func checkJobs(_ facts: ClusterFacts, _ connection: Connection) throws {
        let jobs = try connection.jobs(cluster: "c", filter: JobFilter(limit: 10_000_000)).map(\.job)
        for scope in [PartitionUsage.allPartitions] + facts.partitions.map(\.name) {
            let (all, byUser) = RowByRow.jobs(jobs, scope: scope)
            let summary = facts.jobs[scope] ?? JobsSummary()
            #expect(
                RowByRow.Jobs(
                    running: summary.running, cpus: summary.runningCPUs, gpus: summary.runningGPUs,
                    waiting: summary.waiting) == all, "jobs in \(scope)")
            #expect(
                summary.byUser.mapValues {
                    RowByRow.Jobs(running: $0.running, cpus: $0.cpus, gpus: $0.gpus, waiting: $0.waiting)
                } == byUser, "jobs by user in \(scope)")
            #expect(summary.running == facts.usage(scope)?.jobsRunning, "/queue and /status count alike")
            #expect(summary.waiting == facts.usage(scope)?.jobsPending)
            let started = jobs.filter {
                $0.state.holdsResources && $0.startTime != nil
                    && (scope == PartitionUsage.allPartitions || $0.homePartition == scope)
            }.map(\.startTime!).sorted()
            #expect(summary.longestRunning.map(\.startedAt) == Array(started.prefix(JobsSummary.longestKept)))
        }
    }

    /// `/canrun`'s answers for requests small and large, against the fit computed from every node and job.
    static func checkFits(_ facts: ClusterFacts, _ connection: Connection, count: Int) throws {
        let nodes = try connection.currentNodes(cluster: "c")
        let partitions = try connection.currentPartitions(cluster: "c")
        let jobs = try connection.jobs(cluster: "c", filter: JobFilter(states: [.running], limit: 10_000_000))
            .map(\.job)
        let requests = [
            ResourceFit.Request(), ResourceFit.Request(cpus: 3, memoryMB: 3000),
            ResourceFit.Request(cpus: 4, gpus: 1), ResourceFit.Request(cpus: 1, gpus: 2),
            ResourceFit.Request(cpus: 64, memoryMB: 200_000, gpus: 4),
            ResourceFit.Request(cpus: 2, seconds: 3 * 86_400),
            ResourceFit.Request(cpus: 100_000),
        ]
        for request in requests.prefix(count) {
            for partition in [nil] + partitions.map(\.name) {
                let answer = ResourceFit.answer(request, facts: facts, in: partition)
                let reference = RowByRow.fit(
                    request, nodes: nodes, partitions: partitions, jobs: jobs, in: partition, now: facts.snapshotAt)
                #expect(answer.nowCount == reference.now.count, "\(request) in \(partition ?? "any")")
                #expect(Set(answer.now.map(\.node)).isSubset(of: reference.now))
                #expect(answer.now.count == min(answer.nowCount, ResourceFit.listed))
                let order = answer.now.map { free in
                    (request.gpus == 0 && free.hasGPUs ? 1 : 0, free.resources.cpus, free.resources.memoryMB)
                }
                #expect(
                    zip(order, order.dropFirst()).allSatisfy { $0 <= $1 },
                    "GPU nodes last for a job asking none, then the smallest free block")
                if answer.nowCount > ResourceFit.listed, request.seconds == nil, let worst = order.last {
                    let fitting = facts.capacity.nodes.filter { node in
                        node.acceptsNewJobs && node.free.covers(request.perNode)
                            && (partition.map(node.partitions.contains) ?? true)
                    }
                    let better = fitting.filter { node in
                        (request.gpus == 0 && node.size.gpus > 0 ? 1 : 0, node.free.cpus, node.free.memoryMB) < worst
                    }
                    #expect(better.count <= ResourceFit.listed, "no better fit left out")
                }
                #expect(answer.totalFree == reference.totalFree && answer.candidates == reference.candidates)
                #expect(answer.tooLongFor == reference.tooLongFor)
                #expect(answer.later?.at == reference.later?.at, "the first later fit, \(request)")
            }
        }
    }

    @Test("the real Slurm 22.05 lab snapshot")
    func lab() async throws {
        let snapshot = try labSnapshot()
        let facts = ClusterFacts(snapshot, cluster: "c")
        #expect(!facts.outOfService.isEmpty && !(facts.waitingByReason[PartitionUsage.allPartitions] ?? [:]).isEmpty)
        try await Self.checkAgainstRows(snapshot)
    }

    @Test("a simulated 600-node cluster with GPUs, drains and a queue")
    func simulated() async throws {
        let snapshot = try await onOwnThread(name: "facts-test") {
            try Self.simulatedSnapshot(nodes: 600, at: 1_795_549_310)
        }
        #expect(snapshot.nodes.contains { $0.gpusTotal > 0 })
        try await Self.checkAgainstRows(snapshot)
    }

    @Test("the 10,000-node / 50,000-job snapshot of the benchmarks: /queue's and /canrun's numbers agree too")
    func tenThousand() async throws {
        let snapshot = try await onOwnThread(name: "facts-test") {
            try Self.simulatedSnapshot(nodes: 10_000, at: 1_795_549_310)
        }
        #expect(snapshot.nodes.count > 9_900 && snapshot.jobs.count == 50_000)
        try await Self.checkAgainstRows(snapshot, fits: 3)
        // The analyst's prompt stays bounded: aggregates per partition, never a list of every node or job.
        let digest = await onOwnThread(name: "facts-test") {
            FactsDigest.json(ClusterFacts(snapshot, cluster: "c"), now: snapshot.takenAt).text.utf8.count
        }
        print("facts digest at 10,000 nodes and 50,000 jobs: \(digest) bytes")
        #expect(digest < 8_000)
    }

    @Test("facts of another encoding version, or in a file not yet migrated, read as missing, for the next poll")
    func otherVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let snapshot = try labSnapshot()
        try Database(path: directory.file("facts.db")).sync { connection in
            _ = try connection.recordSnapshot(snapshot, cluster: "c", source: "test", startedAt: snapshot.takenAt)
            try connection.execute("UPDATE cluster_facts SET version = version + 1")
            #expect(try connection.latestFacts(cluster: "c") == nil)
            #expect(try connection.latestFacts(cluster: "elsewhere") == nil)
            // A file an older build wrote, opened by a reader before the poller migrated it.
            try connection.execute("UPDATE cluster_facts SET version = version - 1")
            try connection.execute("ALTER TABLE cluster_facts DROP COLUMN poll_id")
            try connection.execute("PRAGMA user_version = 4")
            #expect(try connection.latestFacts(cluster: "c") == nil)
        }
    }
}

extension ClusterFactsTests {
    /// The facts of the simulated 600-node cluster the suites below reason about.
    static func simulatedFacts() throws -> ClusterFacts {
        ClusterFacts(try simulatedSnapshot(nodes: 600, at: 1_795_549_310), cluster: "c")
    }
}

@Suite("fits for jobs over several nodes, and what is short")
struct MultiNodeFitTests {
    @Test("a 999-CPU job over 24 nodes fits where 24 nodes each have their share; the largest node is reported")
    func multiNode() throws {
        let facts = try ClusterFactsTests.simulatedFacts()
        let request = ResourceFit.Request(cpus: 999, nodes: 24)
        #expect(request.perNode == Capacity.Resources(cpus: 42, memoryMB: 0, gpus: 0))
        let answer = ResourceFit.answer(request, facts: facts, in: nil)
        let fitting = facts.capacity.nodes.filter { $0.acceptsNewJobs && $0.free.cpus >= 42 }.count
        #expect(answer.nowCount == fitting && answer.startsNow == (fitting >= 24))
        #expect(answer.largestNode.cpus == facts.capacity.nodes.map(\.size.cpus).max())
        let one = ResourceFit.answer(ResourceFit.Request(cpus: 999), facts: facts, in: nil)
        #expect(one.neverFits && !one.startsNow && one.later == nil)
        let tooMany = ResourceFit.answer(ResourceFit.Request(cpus: 10_000, nodes: 10_000), facts: facts, in: nil)
        #expect(tooMany.neverFits, "more nodes than the cluster has")
    }
}

@Suite("what is free, per scope in one pass")
struct FreeByScopeTests {
    @Test("freeByScope agrees with free(in:) for every partition and the whole cluster")
    func agrees() throws {
        let facts = try ClusterFactsTests.simulatedFacts()
        let byScope = facts.capacity.freeByScope()
        #expect(byScope[PartitionUsage.allPartitions] == facts.capacity.free(in: nil))
        for partition in facts.partitions.map(\.name) {
            #expect(byScope[partition] == facts.capacity.free(in: partition), "\(partition)")
        }
    }
}
