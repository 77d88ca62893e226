import SlurmKit

/// Jobs that are not in any lane: one impossible request per partition, re-submitted every six hours and
/// cancelled at the end of it, and an admin-held job, so `/queue` always has more than one pending reason.
enum Specials {
    static let count = 4
    static let hogPeriod: Int64 = 6 * 3600
    static let heldPeriod: Int64 = 12 * 3600
}

struct SimState {
    var time: Int64
    var nodes: [Node]
    var partitions: [Partition]
    var jobs: [Job]
    var accounting: [AccountingRecord]
}

extension SimulatedCluster {
    func state(at t: Int64) -> SimState {
        var laneJobs: [[SimJob]] = []
        laneJobs.reserveCapacity(lanes.count)
        for lane in lanes.indices { laneJobs.append(jobs(lane: lane, at: t)) }

        var jobs: [Job] = []
        var accounting: [AccountingRecord] = []
        var running: [SimJob] = []
        for (laneIndex, chain) in laneJobs.enumerated() {
            let lane = lanes[laneIndex]
            for job in chain where job.submit <= t {
                if t < job.start {
                    jobs.append(pendingJob(job, lane: lane, at: t))
                } else if t < job.end && !job.cancelledPending {
                    running.append(job)
                    jobs.append(runningJob(job, lane: lane, at: t))
                } else {
                    if t - job.end < SimulatedCluster.minJobAge { jobs.append(endedJob(job, lane: lane)) }
                    accounting.append(accountingRecord(job))
                }
            }
        }
        jobs.append(contentsOf: specialJobs(at: t, accounting: &accounting))
        let nodes = nodeModels(at: t, laneJobs: laneJobs)
        return SimState(time: t, nodes: nodes, partitions: partitionModels(), jobs: jobs, accounting: accounting)
    }

    private func baseJob(_ job: SimJob, lane: Lane, state: JobState) -> Job {
        let gres =
            lane.gpusPerNode > 0
            ? [Gres(name: "gpu", type: lane.gpuType, count: lane.gpusPerNode)] : []
        return Job(
            displayID: String(job.id), jobID: job.id, name: job.name, user: job.user, account: job.account,
            partition: lane.partition, qos: "normal", state: state, timeLimit: .seconds(job.timeLimit),
            nodeCount: lane.nodeIndexes.count, cpus: lane.cpusPerNode * lane.nodeIndexes.count,
            memoryMB: lane.memoryPerNodeMB, gres: gres, submitTime: job.submit, priority: 10_000 + job.id % 997
        )
    }

    private func nodeList(_ lane: Lane) -> String {
        Hostlist.compress(lane.nodeIndexes.map { nodes[$0].name })
    }

    private func pendingJob(_ job: SimJob, lane: Lane, at t: Int64) -> Job {
        var model = baseJob(job, lane: lane, state: .pending)
        let held = job.heldUntil.map { t < $0 } ?? false
        let reason = job.pendingReason == "JobHeldUser" && !held ? "Priority" : job.pendingReason
        model.reason = JobReason(parsing: reason)
        model.timeLeft = .seconds(job.timeLimit)
        model.dependency = reason == "Dependency" ? job.dependency : nil
        if reason == "Resources" || reason == "Priority" {
            model.startTime = max(job.start, t + 60)
            model.endTime = model.startTime.map { $0 + Int64(job.timeLimit) }
        }
        if held { model.priority = 0 }
        return model
    }

    private func runningJob(_ job: SimJob, lane: Lane, at t: Int64) -> Job {
        var model = baseJob(job, lane: lane, state: .running)
        model.reason = JobReason(parsing: "None")
        model.elapsed = .seconds(Int(t - job.start))
        model.timeLeft = .seconds(max(0, job.timeLimit - Int(t - job.start)))
        model.nodeList = nodeList(lane)
        model.startTime = job.start
        model.endTime = job.start + Int64(job.timeLimit)
        return model
    }

    private func endedJob(_ job: SimJob, lane: Lane) -> Job {
        var model = baseJob(job, lane: lane, state: job.finalState)
        let reasons: [JobState: String] = [
            .failed: "NonZeroExitCode", .timeout: "TimeLimit", .outOfMemory: "OutOfMemory", .nodeFail: "NodeDown",
        ]
        model.reason = JobReason(parsing: reasons[job.finalState] ?? "None")
        let elapsed = Int(job.end - job.start)
        model.elapsed = .seconds(elapsed)
        model.timeLeft = job.finalState == .timeout ? .unknown("INVALID") : .seconds(max(0, job.timeLimit - elapsed))
        model.nodeList = job.cancelledPending ? nil : nodeList(lane)
        model.startTime = job.start
        model.endTime = job.end
        return model
    }

    private func accountingRecord(_ job: SimJob) -> AccountingRecord {
        AccountingRecord(
            jobID: job.id, displayID: String(job.id), state: job.finalState, exitCode: job.exitCode,
            signal: job.signal, elapsed: .seconds(Int(job.end - job.start)), endTime: job.end
        )
    }

    private func specialJobs(at t: Int64, accounting: inout [AccountingRecord]) -> [Job] {
        guard t >= epoch else { return [] }
        var result: [Job] = []
        let base = lanes.count
        for (offset, partition) in layout.partitions.prefix(Specials.count - 1).enumerated() {
            let window = (t - epoch) / Specials.hogPeriod
            for w in [window - 1, window] where w >= 0 {
                let submit = epoch + w * Specials.hogPeriod + 15 * 60
                let cancel = epoch + (w + 1) * Specials.hogPeriod
                guard submit <= t, t - cancel < SimulatedCluster.minJobAge else { continue }
                let id = 1000 + Int((submit - epoch) / 60) * idStride + base + offset
                let ended = t >= cancel
                var job = Job(
                    displayID: String(id), jobID: id, name: "whole-genome-4TB", user: "mallory", account: "math",
                    partition: partition.name, qos: "normal", state: ended ? .cancelled : .pending,
                    reason: JobReason(parsing: ended ? "None" : "Resources"), timeLimit: .seconds(partition.maxTime),
                    timeLeft: .seconds(partition.maxTime), nodeCount: 1, cpus: 64, memoryMB: 4_000_000,
                    submitTime: submit, priority: 9000
                )
                if ended {
                    job.startTime = cancel
                    job.endTime = cancel
                    accounting.append(
                        AccountingRecord(
                            jobID: id, displayID: String(id), state: .cancelled, exitCode: 0, signal: 0,
                            elapsed: .seconds(0), endTime: cancel))
                }
                result.append(job)
            }
        }
        let window = (t - epoch) / Specials.heldPeriod
        let submit = epoch + window * Specials.heldPeriod + 3600
        if t >= submit && t < submit + 10 * 3600 {
            let id = 1000 + Int((submit - epoch) / 60) * idStride + base + Specials.count - 1
            result.append(
                Job(
                    displayID: String(id), jobID: id, name: "needs review", user: "judy", account: "cs",
                    partition: "cpu", qos: "normal", state: .pending, reason: JobReason(parsing: "JobHeldAdmin"),
                    timeLimit: .seconds(3600), timeLeft: .seconds(3600), cpus: 4, memoryMB: 8000, submitTime: submit,
                    priority: 0))
        }
        return result
    }

    private func nodeModels(at t: Int64, laneJobs: [[SimJob]]) -> [Node] {
        var result: [Node] = []
        result.reserveCapacity(nodes.count)
        for (index, spec) in nodes.enumerated() {
            let group = spec.group
            var cpus = 0
            var memory = 0
            var gpus = 0
            var lastEnd: Int64?
            for laneIndex in spec.lanes {
                let lane = lanes[laneIndex]
                for job in laneJobs[laneIndex] where !job.cancelledPending {
                    if job.start <= t && t < job.end {
                        cpus += lane.cpusPerNode
                        memory += lane.memoryPerNodeMB
                        gpus += lane.gpusPerNode
                    } else if job.end <= t {
                        lastEnd = max(lastEnd ?? job.end, job.end)
                    }
                }
            }
            var state: NodeState
            var reason: NodeReason?
            var boot = epoch - 86_400 * 3 + Int64(index * 97)
            var load: Double? = Double(cpus) * 0.93 + 0.01 * Double(index % 7)
            let active = spec.windows.lazy.compactMap { w in w.active(at: t, epoch: self.epoch).map { (w.kind, $0) } }
                .first
            if let flaky = spec.windows.first(where: { $0.kind == .down }) {
                let previous = flaky.next(after: t - flaky.period, epoch: epoch)
                if previous.end <= t { boot = previous.end }
            }
            switch active {
            case (.down, let span)?:
                state = NodeState(base: .down, flags: [.notResponding])
                reason = NodeReason(text: "Not responding", user: "slurm", time: span.start + 60)
                load = nil
            case (.drain, let span)?:
                let base: NodeState.Base = cpus == 0 ? .idle : cpus >= group.cpus ? .allocated : .mixed
                state = NodeState(base: base, flags: [.drain])
                reason = NodeReason(text: "bad DIMM, ticket #4411", user: "root", time: span.start)
            case (.maintenance, _)?:
                state = NodeState(base: .idle, flags: [.maintenance, .reserved])
            case nil:
                state = NodeState(base: cpus == 0 ? .idle : cpus >= group.cpus ? .allocated : .mixed)
            }
            let gres =
                group.gpus > 0
                ? [Gres(name: "gpu", type: group.gpuType, count: group.gpus, detail: "S:0-1")] : []
            let gresUsed =
                group.gpus > 0
                ? [
                    Gres(
                        name: "gpu", type: group.gpuType, count: gpus,
                        detail: gpus > 0 ? "IDX:0-\(gpus - 1)" : "IDX:N/A")
                ]
                : nil
            result.append(
                Node(
                    name: spec.name, state: state, cpusAllocated: cpus, cpusTotal: group.cpus,
                    cpuLoad: load.map { ($0 * 100).rounded() / 100 },
                    memoryMB: group.memoryMB, memoryAllocatedMB: memory,
                    memoryFreeMB: group.memoryMB - memory * 7 / 10 - 4000, gres: gres, gresUsed: gresUsed,
                    gpusUsed: gpus, features: group.features, partitions: [group.partition], reason: reason,
                    lastBusy: lastEnd ?? boot, bootTime: boot, architecture: "x86_64",
                    operatingSystem: "Linux 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023",
                    slurmVersion: "22.05.8"
                ))
        }
        return result
    }

    func partitionModels() -> [Partition] {
        layout.partitions.map { spec in
            let members = nodes.filter { $0.group.partition == spec.name }
            let cpus = members.reduce(0) { $0 + $1.group.cpus }
            let memory = members.reduce(0) { $0 + $1.group.memoryMB }
            let gpus = members.reduce(0) { $0 + $1.group.gpus }
            var tres = ["cpu": "\(cpus)", "mem": "\(memory)M", "node": "\(members.count)", "billing": "\(cpus)"]
            if gpus > 0 { tres["gres/gpu"] = "\(gpus)" }
            return Partition(
                name: spec.name, state: "UP", isDefault: spec.isDefault,
                nodeList: Hostlist.compress(members.map(\.name)), totalCPUs: cpus, totalNodes: members.count,
                maxTime: .seconds(spec.maxTime), defaultTime: .seconds(spec.defaultTime), qos: nil, priorityTier: 1,
                tres: tres
            )
        }
    }
}
