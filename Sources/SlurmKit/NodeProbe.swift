/// Reads a node's live load and memory for `/inspect`. Only present when the admins configured one; a failure is
/// ordinary (the node is down, nodes take no SSH) and ends in Slurm's own figures with a note.
public protocol NodeProbe: Sendable {
    /// The cluster whose nodes it reaches; nodes of other clusters in the same database are never probed.
    var cluster: String { get }

    /// `node` has already been found among `cluster`'s nodes; implementations check its spelling again anyway.
    func vitals(of node: String) async -> Result<NodeVitals, NodeProbeError>
}

/// Why live figures are missing, in words fit for the chat: no host names, addresses or command output (those go
/// to the log).
public struct NodeProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
