import SlurmKit

/// Where a job of a given size could run, now or later, from one snapshot. Pure, tested directly.
///
/// Only nodes that could take work count: drained, down, reserved, planned and not-responding nodes do not. A
/// later fit assumes running jobs end at their time limits, which is the latest they can; pending jobs ahead may
/// still take a node first, and the answer says so.
enum ResourceFit {
    struct Request: Hashable {
        var cpus = 1
        var memoryMB = 0
        var gpus = 0
        var seconds: Int?
    }

    struct Free: Hashable {
        var node: String
        var cpus: Int
        var memoryMB: Int
        var gpus: Int
    }

    struct Answer {
        /// Nodes that could start it now, most free first.
        var now: [Free]
        /// Free resources summed over eligible nodes (for "8 GPUs free, but no node has 4").
        var totalFree: Free
        /// The first node and time it should fit, if it never fits now.
        var later: (node: String, at: Int64)?
        /// Nodes considered (healthy, in the partition, big enough in principle).
        var candidates: Int
        /// Partitions that refuse the time limit.
        var tooLongFor: [String]
    }

    static func answer(
        _ request: Request, nodes: [Node], partitions: [Partition], jobs: [Job], in partition: String?, now: Int64
    )
        -> Answer
    {
        let allowed = partitions.filter { candidate in
            (partition == nil || candidate.name == partition) && candidate.isUp
                && (request.seconds.map { seconds in candidate.maxTime.seconds.map { seconds <= $0 } ?? true } ?? true)
        }
        let tooLong = partitions.filter { candidate in
            (partition == nil || candidate.name == partition)
                && (request.seconds.map { seconds in candidate.maxTime.seconds.map { seconds > $0 } ?? false } ?? false)
        }.map(\.name)
        let allowedNames = Set(allowed.map(\.name))
        let healthy = nodes.filter { node in
            [.idle, .mixed, .allocated].contains(node.state.category)
                && !node.partitions.allSatisfy { !allowedNames.contains($0) }
        }
        var fitsNow: [Free] = []
        var total = Free(node: "", cpus: 0, memoryMB: 0, gpus: 0)
        var candidates: [Node] = []
        for node in healthy {
            let free = Free(
                node: node.name, cpus: max(0, node.cpusEffective - node.cpusAllocated),
                memoryMB: max(0, node.memoryMB - node.memoryAllocatedMB), gpus: max(0, node.gpusTotal - node.gpusUsed))
            if node.state.acceptsNewJobs {
                total.cpus += free.cpus
                total.memoryMB += free.memoryMB
                total.gpus += free.gpus
                if free.cpus >= request.cpus && free.memoryMB >= request.memoryMB && free.gpus >= request.gpus {
                    fitsNow.append(free)
                }
            }
            if node.cpusEffective >= request.cpus && node.memoryMB >= request.memoryMB && node.gpusTotal >= request.gpus
            {
                candidates.append(node)
            }
        }
        fitsNow.sort { ($0.gpus, $0.cpus, $0.memoryMB) > ($1.gpus, $1.cpus, $1.memoryMB) }
        var later: (node: String, at: Int64)?
        if fitsNow.isEmpty {
            later = Self.earliest(request, candidates: candidates, jobs: jobs, now: now)
        }
        return Answer(now: fitsNow, totalFree: total, later: later, candidates: candidates.count, tooLongFor: tooLong)
    }

    /// When running jobs' ends (at their time limits) first free enough on one candidate node.
    static func earliest(_ request: Request, candidates: [Node], jobs: [Job], now: Int64) -> (node: String, at: Int64)?
    {
        guard !candidates.isEmpty else { return nil }
        let names = Set(candidates.map(\.name))
        var endings: [String: [(at: Int64, cpus: Int, memoryMB: Int, gpus: Int)]] = [:]
        for job in jobs where job.state == .running {
            guard let list = job.nodeList, let start = job.startTime else { continue }
            let end = job.endTime ?? job.timeLimit.seconds.map { start + Int64($0) } ?? Int64.max
            let perNode = max(1, job.nodeCount)
            let memory = (job.memoryMB ?? 0) * (job.memoryPerCPU ? job.cpus / perNode : 1)
            for node in (try? Hostlist.expand(list)) ?? [] where names.contains(node) {
                endings[node, default: []].append((max(end, now), job.cpus / perNode, memory, job.gres.gpuCount))
            }
        }
        var best: (node: String, at: Int64)?
        for node in candidates {
            var cpus = max(0, node.cpusEffective - node.cpusAllocated)
            var memory = max(0, node.memoryMB - node.memoryAllocatedMB)
            var gpus = max(0, node.gpusTotal - node.gpusUsed)
            for ending in (endings[node.name] ?? []).sorted(by: { $0.at < $1.at }) where ending.at != Int64.max {
                cpus += ending.cpus
                memory += ending.memoryMB
                gpus += ending.gpus
                if cpus >= request.cpus && memory >= request.memoryMB && gpus >= request.gpus {
                    if best == nil || ending.at < best!.at { best = (node.name, ending.at) }
                    break
                }
            }
        }
        return best
    }
}
