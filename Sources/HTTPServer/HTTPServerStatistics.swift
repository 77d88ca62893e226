/// What the server did on its own, before or beside the responder: for `/metrics`.
public struct HTTPServerStatistics: Sendable, Hashable {
    public var connectionsAccepted = 0
    public var connectionsOpen = 0
    /// Connections turned away with 503 because the cap was reached.
    public var connectionsRefused = 0
    /// Requests the server answered itself, by status (malformed, too large, too slow).
    public var rejectedByStatus: [Int: Int] = [:]
    /// Connections closed because the client was too slow to send or to read.
    public var timeouts = 0

    public init() {}
}
