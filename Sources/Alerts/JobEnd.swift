public import SlurmKit

/// How a job ended, as far as the poller could learn: from squeue while the job was still listed, from accounting
/// after, or nothing at all when it vanished between two polls and accounting did not know it.
public struct JobEnd: Sendable, Hashable {
    public var job: Job
    /// Nil when the final state is unknown.
    public var state: JobState?
    public var exitCode: Int?
    public var signal: Int?
    public var endedAt: Int64?
    /// The most memory Slurm saw it use (MaxRSS), when accounting reported one.
    public var peakMemoryMB: Int?
    /// CPU time its steps used (TotalCPU), when accounting reported it.
    public var cpuSeconds: Int?

    public init(
        job: Job, state: JobState?, exitCode: Int? = nil, signal: Int? = nil, endedAt: Int64? = nil,
        peakMemoryMB: Int? = nil, cpuSeconds: Int? = nil
    ) {
        self.peakMemoryMB = peakMemoryMB
        self.cpuSeconds = cpuSeconds
        self.job = job
        self.state = state
        self.exitCode = exitCode
        self.signal = signal
        self.endedAt = endedAt
    }

    /// Seconds from start to end, when both are known.
    public var elapsed: Int? {
        guard let start = job.startTime, let end = endedAt ?? job.endTime, end >= start else { return nil }
        return Int(end - start)
    }

    /// Whether the job did what it was asked (completed with exit code 0 or no code known).
    public var succeeded: Bool { state == .completed && (exitCode ?? 0) == 0 }
}
