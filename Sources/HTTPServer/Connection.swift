/// One client connection, owned by the event loop's thread and touched by nothing else.
final class Connection {
    enum Phase {
        /// Waiting for (more of) a request.
        case reading
        /// A request is with the responder; reading pauses so pipelined requests wait their turn.
        case handling
        /// A response is going out.
        case writing
        /// The last response is out and our side is shut; what the client still sends is read and dropped, so
        /// closing does not reset the connection before the client has read the response.
        case lingering
    }

    /// What the current deadline guards, which decides what happens when it passes.
    enum Wait {
        case idle, head, body, write, linger, none
    }

    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor.
    let id: UInt64
    var parser: HTTPRequestParser
    var phase = Phase.reading
    var output: [UInt8] = []
    var written = 0
    var closeAfterWrite = false
    var requestKeepsAlive = true
    var requestIsHead = false
    var wait = Wait.idle
    var deadline: ContinuousClock.Instant
    var watchingRead = true
    var watchingWrite = false

    init(fd: Int32, id: UInt64, limits: HTTPRequestParser.Limits, idleUntil deadline: ContinuousClock.Instant) {
        self.fd = fd
        self.id = id
        self.parser = HTTPRequestParser(limits: limits)
        self.deadline = deadline
    }
}
