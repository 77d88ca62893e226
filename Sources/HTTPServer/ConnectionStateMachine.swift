/// One connection's whole lifecycle as a pure state machine: events in, actions out, no sockets and no clock.
///
/// The event loop reports what happened (bytes read, the peer gone, a response ready, output flushed or blocked, a
/// deadline passed, the server stopping) and carries out the actions returned, in order: dispatch a request, write
/// bytes, pause or resume reading, shut our side, cancel a responder, close. All decisions live here, so keep-alive,
/// pipelining, timeouts, linger, shutdown and eviction under the connection cap are tested without a socket, as
/// swift-nio tests its `HTTPServerProtocolErrorHandler` and friends.
///
/// Time is a parameter: each event takes `now`, and `deadline` says when `deadlineReached` is next due.
struct ConnectionStateMachine {
    /// How long each wait may last; what happens when it passes depends on the wait (see `deadlineReached`).
    struct Timeouts: Sendable, Hashable {
        /// From accepting to the first byte: a socket that never speaks loses its place quickly.
        var firstByte: Duration
        var header: Duration
        var body: Duration
        var idle: Duration
        var write: Duration
        var linger: Duration
    }

    enum Action: Equatable {
        /// Hand the request to the responder; `responseReady` follows (or `peerGone`).
        case dispatch(HTTPRequest)
        /// Queue these bytes after anything still unsent and flush; report `writeFlushed` once all are sent.
        case write([UInt8])
        /// Serialize this response (with the loop's `Date`) and write it as above.
        case send(HTTPResponse, keepAlive: Bool, head: Bool)
        /// Watch for readable bytes, or stop while a request is being handled (pipelined ones wait their turn).
        case watchRead(Bool)
        /// Shut our sending side: the last response is out; what the client still sends is read and dropped.
        case shutdownWrite
        /// The client left while its request was being handled: stop the responder.
        case cancelResponder
        /// Close the socket; the machine is done.
        case close
        /// Something for the statistics and the log.
        case note(Note)
    }

    enum Note: Equatable {
        /// The server answered a request itself (malformed, too large, too slow).
        case rejected(HTTPStatus, reason: String)
        /// A client took too long to send or to read.
        case timedOut
    }

    enum Phase: Equatable {
        /// Waiting for (more of) a request.
        case reading
        /// A request is with the responder.
        case handling
        /// A response is going out.
        case writing
        /// Our side is shut after the last response; the client's leftovers are drained until it closes or the
        /// linger deadline passes, so closing does not reset the connection before the response is read.
        case lingering
        case closed
    }

    /// What the current deadline guards.
    enum Wait: Equatable {
        case firstByte, idle, head, body, write, linger, none
    }

    private(set) var phase = Phase.reading
    private(set) var wait = Wait.firstByte
    /// When `deadlineReached` is next due; nil while nothing is timed (a request with the responder).
    private(set) var deadline: ContinuousClock.Instant?
    /// Since when the connection has waited for a request with nothing of one in hand; nil when it is not idle.
    /// The oldest idle connection is the one closed to make room under the cap.
    private(set) var idleSince: ContinuousClock.Instant?

    private var parser: HTTPRequestParser
    private let timeouts: Timeouts
    private var closeAfterWrite = false
    private var requestKeepsAlive = true
    private var requestIsHead = false
    private var stopping = false

    init(limits: HTTPRequestParser.Limits, timeouts: Timeouts, now: ContinuousClock.Instant) {
        parser = HTTPRequestParser(limits: limits)
        self.timeouts = timeouts
        deadline = now + timeouts.firstByte
        idleSince = now
    }

    /// Waiting for a request with nothing of one received: safe to close without losing anyone's work.
    var isIdle: Bool { idleSince != nil }

    // MARK: - Events

    /// Bytes the socket read.
    mutating func bytesRead(_ bytes: some Collection<UInt8>, now: ContinuousClock.Instant) -> [Action] {
        switch phase {
        case .lingering, .closed:
            return []
        case .reading:
            parser.feed(bytes)
            return process(now: now)
        case .handling, .writing:
            // Pipelined bytes; they are parsed once the current response is out.
            parser.feed(bytes)
            return []
        }
    }

    /// The client closed its side (a read returned 0) or the socket failed. Nothing more will be read; an answer
    /// to a request still being handled would not be read either, so its responder stops.
    mutating func peerGone() -> [Action] {
        switch phase {
        case .closed:
            return []
        case .handling:
            return closing([.cancelResponder])
        case .reading, .writing, .lingering:
            return closing([])
        }
    }

    /// The responder's answer to the request dispatched last. The client's time to read it starts now.
    mutating func responseReady(_ response: HTTPResponse, now: ContinuousClock.Instant) -> [Action] {
        guard phase == .handling else { return [] }
        let asksToClose = response.headers["Connection"]?.caseInsensitiveEquals("close") ?? false
        if stopping || asksToClose || !requestKeepsAlive { closeAfterWrite = true }
        phase = .writing
        setWait(.write, now: now)
        return [.send(response, keepAlive: !closeAfterWrite, head: requestIsHead)]
    }

    /// Everything written so far has been sent.
    mutating func writeFlushed(now: ContinuousClock.Instant) -> [Action] {
        switch phase {
        case .writing:
            if closeAfterWrite {
                phase = .lingering
                setWait(.linger, now: now)
                return [.shutdownWrite, .watchRead(true)]
            }
            phase = .reading
            return [.watchRead(true)] + process(now: now)
        case .reading:
            // A `100 Continue` is out; the request's own deadline still applies.
            return []
        case .handling, .lingering, .closed:
            return []
        }
    }

    /// Call when `deadline` has passed.
    mutating func deadlineReached(now: ContinuousClock.Instant) -> [Action] {
        guard let deadline, deadline <= now else { return [] }
        switch wait {
        case .firstByte, .idle, .linger:
            return closing([])
        case .head, .body:
            return [.note(.timedOut)] + reject(.requestTimeout, "the request did not arrive in time", now: now)
        case .write:
            return closing([.note(.timedOut)])
        case .none:
            return []
        }
    }

    /// The server is stopping: an idle connection closes now; a busy one after its response, marked close.
    mutating func stop() -> [Action] {
        stopping = true
        closeAfterWrite = true
        switch phase {
        case .reading where parser.isIdle: return closing([])
        default: return []
        }
    }

    /// The responder limit is reached: answer this request with 503 instead of dispatching it.
    mutating func refuseDispatch(now: ContinuousClock.Instant) -> [Action] {
        guard phase == .handling else { return [] }
        closeAfterWrite = true
        var busy = HTTPResponse.text(.serviceUnavailable, "the server is busy; try again shortly")
        busy.headers.add("Retry-After", "1")
        return [.note(.rejected(.serviceUnavailable, reason: "too many requests in flight"))]
            + responseReady(busy, now: now)
    }

    // MARK: - Inside

    /// Runs the parser over what has arrived: at most one request is with the responder at a time.
    private mutating func process(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        while phase == .reading {
            switch parser.next() {
            case .needMore:
                setReadWait(now: now)
                return actions
            case .expectContinue:
                actions.append(.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)))
            case .request(let request):
                phase = .handling
                requestKeepsAlive = request.keepAlive
                requestIsHead = request.method == "HEAD"
                setWait(.none, now: now)
                actions += [.watchRead(false), .dispatch(request)]
                return actions
            case .reject(let status, let reason):
                return actions + [.note(.rejected(status, reason: reason))] + reject(status, reason, now: now)
            }
        }
        return actions
    }

    /// The server answers itself and closes: framing is lost (or the client too slow) after this.
    private mutating func reject(_ status: HTTPStatus, _ reason: String, now: ContinuousClock.Instant) -> [Action] {
        phase = .handling
        requestIsHead = false
        closeAfterWrite = true
        return responseReady(.text(status, reason), now: now)
    }

    private mutating func setReadWait(now: ContinuousClock.Instant) {
        switch parser.progress {
        case .idle: setWait(wait == .firstByte ? .firstByte : .idle, now: now)
        case .head: setWait(.head, now: now)
        case .body: setWait(.body, now: now)
        }
    }

    /// Starts a wait's clock when the wait changes; the same wait keeps its first deadline (a slow client does not
    /// earn more time by sending a byte now and then).
    private mutating func setWait(_ next: Wait, now: ContinuousClock.Instant) {
        let idle = next == .firstByte || next == .idle
        if idle {
            if idleSince == nil { idleSince = now }
        } else {
            idleSince = nil
        }
        guard next != wait || deadline == nil && next != .none else { return }
        wait = next
        deadline =
            switch next {
            case .firstByte: now + timeouts.firstByte
            case .idle: now + timeouts.idle
            case .head: now + timeouts.header
            case .body: now + timeouts.body
            case .write: now + timeouts.write
            case .linger: now + timeouts.linger
            case .none: nil
            }
    }

    private mutating func closing(_ actions: [Action]) -> [Action] {
        phase = .closed
        wait = .none
        deadline = nil
        idleSince = nil
        return actions + [.close]
    }
}
