/// One poll attempt as stored: when, from where, and whether it worked (and if not, why).
public struct PollRecord: Sendable, Hashable {
    public var id: Int64
    public var cluster: String
    public var startedAt: Int64
    public var finishedAt: Int64
    public var durationMS: Int
    /// The head node's time for the snapshot; nil for failed polls.
    public var snapshotAt: Int64?
    public var ok: Bool
    public var error: String?
    public var source: String
    public var slurmVersion: String?
    public var nodeCount: Int?
    public var jobCount: Int?
    public var notes: [String]
}

/// What writing one snapshot changed: the numbers behind "history grows with changes, not polls".
public struct SnapshotWriteSummary: Sendable, Hashable {
    public var nodesChanged = 0
    public var intervalsOpened = 0
    public var intervalsClosed = 0
    public var nodesGone = 0
    public var jobsWritten = 0
    public var jobsGone = 0
    public var jobsFinalized = 0
    /// Nodes whose state changed in this poll (not new nodes): what ops alerts are made of.
    public var nodeStateChanges: [NodeStateChange] = []

    public init() {}
}

/// One node's state change between two polls.
public struct NodeStateChange: Sendable, Hashable {
    public var node: String
    public var from: String
    /// Since when the node had been in `from`.
    public var fromSince: Int64?
    public var to: String
    public var reason: String?
}
