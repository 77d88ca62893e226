public import ClusterFacts
import Reports
import SlurmKit
import WallTime

/// The compact JSON a model is given about one snapshot: aggregates per partition, never a list of every node or
/// job, so the prompt stays the same size at 10 nodes and at 10,000 (about 4 KB for a few partitions, at most
/// `maxPartitions` of them and `maxListed` names per list).
///
/// Everything a model may state comes from here or from a tool's answer; `TruthCheck` holds it to that.
public enum FactsDigest {
    public static let maxPartitions = 40
    public static let maxListed = 10

    /// - Parameters:
    ///   - now: our clock, for the data's age.
    ///   - previous: the facts of the last summary, for what changed since.
    ///   - aliases: user names to replace before anything leaves the site; nil keeps them.
    public static func json(
        _ facts: ClusterFacts, now: Int64, previous: SummaryBasis? = nil, partition: String? = nil,
        aliases: Aliases? = nil
    ) -> JSONValue {
        let free = facts.capacity.freeByScope()
        var digest: [String: JSONValue] = [
            "cluster": .string(facts.cluster),
            "data_as_of": .string(WallClock.iso8601(facts.snapshotAt)),
            "data_age_seconds": .int(Int(max(0, now - facts.snapshotAt))),
            "whole_cluster": scope(facts, nil, free),
        ]
        if let version = facts.slurmVersion { digest["slurm_version"] = .string(version) }
        let names = facts.partitions.map(\.name).filter { partition == nil || $0 == partition }
        digest["partitions"] = .array(names.prefix(maxPartitions).map { scope(facts, $0, free) })
        if names.count > maxPartitions { digest["partitions_not_listed"] = .int(names.count - maxPartitions) }
        let troubled = facts.outOfService.filter { node in partition.map(node.partitions.contains) ?? true }
        digest["out_of_service"] = .object([
            "count": .int(troubled.count),
            "nodes": .array(
                troubled.prefix(maxListed).map { node in
                    var entry: [String: JSONValue] = ["name": .string(node.name), "state": .string(node.state)]
                    if let reason = node.reason?.text, !reason.isEmpty { entry["reason"] = .string(reason) }
                    return .object(entry)
                }),
        ])
        let users = facts.jobs(partition).byUser.sorted { ($0.value.cpus, $1.key) > ($1.value.cpus, $0.key) }
        digest["top_users"] = .array(
            users.prefix(maxListed).map { user, jobs in
                .object([
                    "user": .string(aliases?.alias(user) ?? user), "running_jobs": .int(jobs.running),
                    "cpus": .int(jobs.cpus), "gpus": .int(jobs.gpus), "waiting_jobs": .int(jobs.waiting),
                ])
            })
        if let previous { digest["since_last_summary"] = changes(from: previous, to: facts, free: free) }
        return .object(digest)
    }

    static func scope(_ facts: ClusterFacts, _ partition: String?, _ byScope: [String: FreeCapacity]) -> JSONValue {
        let key = partition ?? PartitionUsage.allPartitions
        let usage = facts.usage(partition) ?? PartitionUsage(partition: key)
        let free = byScope[key] ?? FreeCapacity()
        var nodes: [String: JSONValue] = ["total": .int(usage.nodesTotal)]
        for category in NodeCategory.allCases where usage.nodes(category) > 0 {
            nodes[category.rawValue] = .int(usage.nodes(category))
        }
        var scope: [String: JSONValue] = [
            "status": .string(facts.light(partition, free: free).words),
            "nodes": .object(nodes),
            "cpus": .object([
                "total": .int(usage.cpusTotal), "allocated": .int(usage.cpusAllocated), "free": .int(free.free.cpus),
            ]),
            "memory_gb": .object([
                "total": .int(gigabytes(usage.memoryTotalMB)), "allocated": .int(gigabytes(usage.memoryAllocatedMB)),
                "free": .int(gigabytes(free.free.memoryMB)),
            ]),
            "largest_free_on_one_node": .object([
                "cpus": .int(free.largestBlock.cpus), "memory_gb": .int(gigabytes(free.largestBlock.memoryMB)),
                "gpus": .int(free.largestBlock.gpus),
            ]),
            "idle_nodes": .int(free.nodesIdle),
            "jobs": .object([
                "running": .int(facts.jobs(partition).running), "waiting": .int(facts.jobs(partition).waiting),
                "waiting_by_reason": .object(
                    (facts.waitingByReason[key] ?? [:]).mapValues { .int($0) }),
            ]),
        ]
        if let partition, let info = facts.partitions.first(where: { $0.name == partition }) {
            scope["name"] = .string(partition)
            if info.isDefault { scope["default"] = .bool(true) }
            if !info.isUp { scope["up"] = .bool(false) }
        }
        if usage.gpusTotal > 0 {
            var gpus: [String: JSONValue] = [
                "total": .int(usage.gpusTotal), "used": .int(usage.gpusUsed), "free": .int(free.free.gpus),
            ]
            if let summary = facts.gpus[key] {
                gpus["by_type"] = .object(
                    summary.byType.mapValues { .object(["free": .int($0.free), "total": .int($0.total)]) })
                if let most = summary.mostFree {
                    gpus["most_free_node"] = .object(["name": .string(most.name), "free": .int(most.free)])
                }
            }
            scope["gpus"] = .object(gpus)
        }
        return .object(scope)
    }

    /// What changed since the last summary: free CPUs and GPUs then and now, nodes gone out of service and back.
    static func changes(from previous: SummaryBasis, to facts: ClusterFacts, free: [String: FreeCapacity])
        -> JSONValue
    {
        let now = free[PartitionUsage.allPartitions] ?? FreeCapacity()
        let wasOut = Set(previous.outOfService)
        let isOut = Set(facts.outOfService.map(\.name))
        return .object([
            "minutes_since": .int(Int(max(0, facts.snapshotAt - previous.snapshotAt) / 60)),
            "free_cpus_then": .int(previous.freeCPUs), "free_cpus_now": .int(now.free.cpus),
            "free_gpus_then": .int(previous.freeGPUs), "free_gpus_now": .int(now.free.gpus),
            "waiting_jobs_then": .int(previous.waiting), "waiting_jobs_now": .int(facts.jobs(nil).waiting),
            "newly_out_of_service": .array(
                facts.outOfService.map(\.name).filter { !wasOut.contains($0) }.prefix(maxListed).map(JSONValue.string)),
            "back_in_service": .array(
                previous.outOfService.filter { !isOut.contains($0) }.prefix(maxListed).map(JSONValue.string)),
        ])
    }

    /// Whole gigabytes (GiB), as people say them.
    static func gigabytes(_ megabytes: Int) -> Int { Int((Double(megabytes) / 1024).rounded()) }
}
