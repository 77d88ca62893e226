/// What the server did on its own, before or beside the responder (the same numbers go to swift-metrics).
public struct HTTPServerStatistics: Sendable, Hashable {
    public var connectionsAccepted = 0
    public var connectionsOpen = 0
    /// Connections turned away with 503 because the cap was reached and none was idle.
    public var connectionsRefused = 0
    /// Idle connections closed to make room for a new one at the cap.
    public var connectionsEvicted = 0
    /// Requests the server answered itself, by status (malformed, too large, too slow, too many in flight).
    public var rejectedByStatus: [Int: Int] = [:]
    /// Connections closed because the client was too slow to send or to read.
    public var timeouts = 0
    /// Responders stopped because their client left before the answer.
    public var respondersCancelled = 0
    /// Requests with the responder right now.
    public var requestsInFlight = 0

    public init() {}
}
