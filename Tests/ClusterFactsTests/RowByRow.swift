import ClusterFacts
import SlurmKit

/// What the commands computed from every node and job row before the facts: the reference the facts must agree
/// with. Written plainly, one loop per question, so a disagreement points at the facts.
enum RowByRow {
    struct Jobs: Equatable {
        var running = 0, cpus = 0, gpus = 0, waiting = 0
    }

    /// Running (holding resources) and waiting jobs in `scope`, per user and in all.
    static func jobs(_ jobs: [Job], scope: String) -> (all: Jobs, byUser: [String: Jobs]) {
        var all = Jobs()
        var byUser: [String: Jobs] = [:]
        for job in jobs where scope == PartitionUsage.allPartitions || job.homePartition == scope {
            if job.state.holdsResources {
                all.running += 1
                all.cpus += job.cpus
                all.gpus += job.gpus
                byUser[job.user, default: Jobs()].running += 1
                byUser[job.user, default: Jobs()].cpus += job.cpus
                byUser[job.user, default: Jobs()].gpus += job.gpus
            } else if job.state.isPending {
                all.waiting += job.taskCount
                byUser[job.user, default: Jobs()].waiting += job.taskCount
            }
        }
        return (all, byUser)
    }

    struct Fit: Equatable {
        var now: Set<String>
        var totalFree: Capacity.Resources
        var later: ResourceFit.Later?
        var candidates: Int
        var tooLongFor: [String]
    }

    /// Where a job of `request` fits, from the rows (the algorithm `/canrun` ran on every node and job).
    static func fit(
        _ request: ResourceFit.Request, nodes: [Node], partitions: [Partition], jobs: [Job], in partition: String?,
        now: Int64
    ) -> Fit {
        func refuses(_ candidate: Partition) -> Bool {
            guard let seconds = request.seconds, let limit = candidate.maxTime.seconds else { return false }
            return seconds > limit
        }
        let considered = partitions.filter { partition == nil || $0.name == partition }
        let allowed = Set(considered.filter { $0.isUp && !refuses($0) }.map(\.name))
        let healthy = nodes.filter { node in
            [.idle, .mixed, .allocated].contains(node.state.category)
                && node.partitions.contains(where: allowed.contains)
        }
        var fit = Fit(
            now: [], totalFree: .init(), later: nil, candidates: 0, tooLongFor: considered.filter(refuses).map(\.name))
        var candidates: [Node] = []
        for node in healthy {
            let free = Capacity.Resources(
                cpus: max(0, node.cpusEffective - node.cpusAllocated),
                memoryMB: max(0, node.memoryMB - node.memoryAllocatedMB), gpus: max(0, node.gpusTotal - node.gpusUsed))
            if node.state.acceptsNewJobs {
                fit.totalFree = fit.totalFree + free
                if free.cpus >= request.cpus && free.memoryMB >= request.memoryMB && free.gpus >= request.gpus {
                    fit.now.insert(node.name)
                }
            }
            if node.cpusEffective >= request.cpus && node.memoryMB >= request.memoryMB && node.gpusTotal >= request.gpus
            {
                candidates.append(node)
            }
        }
        fit.candidates = candidates.count
        guard fit.now.isEmpty else { return fit }
        var endings: [String: [(at: Int64, cpus: Int, memoryMB: Int, gpus: Int)]] = [:]
        for job in jobs where job.state == .running {
            guard let list = job.nodeList, let start = job.startTime,
                let end = job.endTime ?? job.timeLimit.seconds.map({ start + Int64($0) })
            else { continue }
            let perNode = max(1, job.nodeCount)
            for name in (try? Hostlist.expand(list)) ?? [] {
                endings[name, default: []].append(
                    (
                        max(end, now), job.cpus / perNode,
                        (job.memoryMB ?? 0) * (job.memoryPerCPU ? job.cpus / perNode : 1), job.gres.gpuCount
                    ))
            }
        }
        var best: ResourceFit.Later?
        for node in candidates {
            var cpus = max(0, node.cpusEffective - node.cpusAllocated)
            var memory = max(0, node.memoryMB - node.memoryAllocatedMB)
            var gpus = max(0, node.gpusTotal - node.gpusUsed)
            for ending in (endings[node.name] ?? []).sorted(by: { $0.at < $1.at }) {
                cpus += ending.cpus
                memory += ending.memoryMB
                gpus += ending.gpus
                if cpus >= request.cpus && memory >= request.memoryMB && gpus >= request.gpus {
                    if best == nil || ending.at < best!.at { best = .init(node: node.name, at: ending.at) }
                    break
                }
            }
        }
        fit.later = best
        return fit
    }
}
