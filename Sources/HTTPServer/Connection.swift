/// One client connection as the event loop holds it: the socket, the bytes still to send, what epoll watches, and
/// the state machine that decides everything else. Owned by the loop's thread and touched by nothing else.
final class Connection {
    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor.
    let id: UInt64
    var machine: ConnectionStateMachine
    var output: [UInt8] = []
    var written = 0
    var watchingRead = true
    var watchingWrite = false
    /// The responder working on this connection's request, cancelled if the client leaves first.
    var responder: Task<Void, Never>?
    /// The idle spell last put in the loop's eviction queue.
    var queuedIdleSince: ContinuousClock.Instant?

    init(fd: Int32, id: UInt64, machine: ConnectionStateMachine) {
        self.fd = fd
        self.id = id
        self.machine = machine
    }
}
