public import SlurmKit

/// A job as stored: the last state seen plus its lifecycle.
public struct JobRecord: Sendable, Hashable {
    public var job: Job
    public var firstSeen: Int64
    /// When the job left `squeue` (purged after it ended); nil while listed.
    public var goneAt: Int64?
    /// The final state once known (from squeue while listed, or accounting after).
    public var finalState: JobState?
    public var exitCode: Int?
    public var exitSignal: Int?
    public var endedAt: Int64?
    /// Accounting's MaxRSS over the job's steps, once it has ended.
    public var peakMemoryMB: Int?
    /// Accounting's TotalCPU, once it has ended.
    public var cpuSeconds: Int?
}

/// A stretch of time a node spent in one state, clipped to the window asked for.
public struct NodeSpan: Sendable, Hashable {
    public var state: NodeState
    public var category: NodeCategory
    public var reason: String?
    public var from: Int64
    public var until: Int64
}

/// One node's states over a window, oldest first.
public struct NodeTimeline: Sendable, Hashable {
    public var node: String
    public var spans: [NodeSpan]
}

/// Averages over one bucket of `/history`: node counts by category, CPUs, GPUs, jobs.
public struct HistoryBucket: Sendable, Hashable {
    public var start: Int64
    public var samples: Int
    public var nodesByCategory: [NodeCategory: Double]
    public var nodesTotal: Double
    public var cpusAllocated: Double
    public var cpusTotal: Double
    public var gpusUsed: Double
    public var gpusTotal: Double
    public var jobsRunning: Double
    public var jobsPending: Double
}

/// Which jobs to list.
public struct JobFilter: Sendable, Hashable {
    public var user: String?
    public var partition: String?
    public var states: [JobState]?
    /// Only jobs still listed by squeue.
    public var listedOnly: Bool
    public var limit: Int

    public init(
        user: String? = nil, partition: String? = nil, states: [JobState]? = nil, listedOnly: Bool = true,
        limit: Int = 1000
    ) {
        self.user = user
        self.partition = partition
        self.states = states
        self.listedOnly = listedOnly
        self.limit = limit
    }
}
