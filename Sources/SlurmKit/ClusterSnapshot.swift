/// Everything one poll learned about a cluster.
public struct ClusterSnapshot: Sendable {
    /// The head node's clock when it answered (Unix seconds).
    public var takenAt: Int64
    public var clock: SlurmClock
    public var host: String?
    public var slurmVersion: String?
    public var nodes: [Node]
    public var partitions: [Partition]
    public var jobs: [Job]
    /// Ended jobs from accounting; nil when accounting is not available on this cluster.
    public var accounting: [AccountingRecord]?
    /// Problems that did not fail the poll (accounting off, unreadable lines), in words.
    public var notes: [String]

    public init(
        takenAt: Int64, clock: SlurmClock = SlurmClock(utcOffset: 0), host: String? = nil,
        slurmVersion: String? = nil, nodes: [Node], partitions: [Partition], jobs: [Job],
        accounting: [AccountingRecord]? = nil, notes: [String] = []
    ) {
        self.takenAt = takenAt
        self.clock = clock
        self.host = host
        self.slurmVersion = slurmVersion
        self.nodes = nodes
        self.partitions = partitions
        self.jobs = jobs
        self.accounting = accounting
        self.notes = notes
    }
}
