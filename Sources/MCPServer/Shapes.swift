import Alerts
import ClusterFacts
import MCP
import SlurmKit
import Store

/// How nodes, jobs and resources look in tool results: snake_case keys, megabytes and seconds as whole numbers,
/// moments as ISO 8601 UTC on our clock, Slurm's own words kept beside ours.
enum Shapes {
    static func resources(_ resources: Capacity.Resources) -> Value {
        ["cpus": .int(resources.cpus), "memory_mb": .int(resources.memoryMB), "gpus": .int(resources.gpus)]
    }

    /// A node; `free` is what a new job could get on it now (nothing when it takes no new jobs), as `/canrun`
    /// counts it.
    static func node(_ node: Node, free: Capacity.Resources?) -> Value {
        .fields([
            "name": .string(node.name), "state": .string(node.state.description),
            "category": .string(node.state.category.rawValue),
            "partitions": .names(node.partitions),
            "cpus": ["total": .int(node.cpusTotal), "allocated": .int(node.cpusAllocated)],
            "memory_mb": ["total": .int(node.memoryMB), "allocated": .int(node.memoryAllocatedMB)],
            "gpus": .fields([
                "total": .int(node.gpusTotal), "used": .int(node.gpusUsed),
                "types": gpuTypes(node.gres),
            ]),
            "free": resources(free ?? Capacity.Resources()),
            "features": .names(node.activeFeatures.isEmpty ? node.features : node.activeFeatures),
            "reason": .text(node.reason?.text), "cpu_load": node.cpuLoad.map(Value.double),
        ])
    }

    static func gpuTypes(_ gres: [Gres]) -> Value? {
        let gpus = gres.filter(\.isGPU)
        guard !gpus.isEmpty else { return nil }
        var types: [String: Value] = [:]
        for gpu in gpus {
            types[gpu.type ?? "untyped"] = .int((types[gpu.type ?? "untyped"]?.intValue ?? 0) + gpu.count)
        }
        return .object(types)
    }

    static func job(_ record: JobRecord, scope: SnapshotScope) -> Value {
        let job = record.job
        let waiting = JobState.waiting.contains(job.state)
        return .fields([
            "id": .string(job.displayID), "name": .string(job.name), "user": .string(job.user),
            "account": .text(job.account), "partition": .string(job.partition), "qos": .text(job.qos),
            "state": .string(record.finalState?.rawValue ?? job.state.rawValue),
            "reason": waiting ? .string(job.reason.raw) : nil,
            "reason_words": waiting ? .string(JobReason.words(for: job.reason.code)) : nil,
            "cpus": .int(job.cpus), "memory_mb": .count(job.memoryMB),
            "memory_per_cpu": job.memoryPerCPU ? .bool(true) : nil, "gpus": .int(job.gpus),
            "gpu_types": gpuTypes(job.gpusByType), "nodes": .int(job.nodeCount), "node_list": .text(job.nodeList),
            "time_limit_seconds": .count(job.timeLimit.seconds), "elapsed_seconds": .count(job.elapsed.seconds),
            "time_left_seconds": waiting || record.goneAt != nil ? nil : .count(job.timeLeft.seconds),
            "submitted_at": scope.moment(job.submitTime),
            waiting ? "expected_start_at" : "started_at": job.startTime.map { scope.moment($0) },
            "priority": .count(job.priority), "dependency": .text(job.dependency),
            "in_queue": .bool(record.goneAt == nil),
        ])
    }

    /// A job that left the queue: how it ended and, when the data allows, the alert's verdict on why.
    static func end(_ record: JobRecord, scope: SnapshotScope) -> Value {
        let end = JobEnd(
            job: record.job, state: record.finalState, exitCode: record.exitCode, signal: record.exitSignal,
            endedAt: record.endedAt, peakMemoryMB: record.peakMemoryMB)
        return .fields([
            "id": .string(record.job.displayID), "name": .string(record.job.name), "user": .string(record.job.user),
            "partition": .string(record.job.partition), "state": .text(record.finalState?.rawValue),
            "exit_code": .count(record.exitCode), "signal": .count(record.exitSignal),
            "ended_at": scope.moment(record.endedAt ?? record.goneAt), "elapsed_seconds": .count(end.elapsed),
            "peak_memory_mb": .count(record.peakMemoryMB), "memory_mb": .count(record.job.memoryMB),
            "cpus": .int(record.job.cpus), "gpus": .int(record.job.gpus), "verdict": .text(Verdict.of(end)),
        ])
    }
}
