internal import CLinux
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The state the loop shares with other threads: finished responses, the stop request, the counters.
final class LoopShared: Sendable {
    struct Completion: Sendable {
        var fd: Int32
        var id: UInt64
        var response: HTTPResponse
    }

    struct Control: Sendable {
        var stopping = false
        var graceUntil: ContinuousClock.Instant?
    }

    let completions = Mutex<[Completion]>([])
    let control = Mutex(Control())
    let counters: ServerCounters
    let finished = DispatchSemaphore(value: 0)
    let wakeRead: Int32
    let wakeWrite: Int32

    init(wakeRead: Int32, wakeWrite: Int32, counters: ServerCounters) {
        self.counters = counters
        self.wakeRead = wakeRead
        self.wakeWrite = wakeWrite
    }

    func complete(_ completion: Completion) {
        completions.withLock { $0.append(completion) }
        wake()
    }

    /// A byte down the pipe: the loop's `epoll_wait` returns. A full pipe means a wake-up is already pending.
    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }
}

/// The server's one I/O thread: an `epoll` loop over the listening socket, every connection and a wake-up pipe.
///
/// Sockets are non-blocking and only this thread reads, writes, accepts or closes them. What to do with each
/// connection is decided by its `ConnectionStateMachine`; the loop reports events to it and carries out the actions
/// it returns. Responders run as tasks and hand their responses back through `LoopShared`. Each readiness event
/// reads at most `readBudget` bytes from a connection (epoll is level-triggered, so the rest comes on the next turn,
/// after every other ready connection has had its turn), and parsing is linear, so no client holds the loop long.
final class EventLoop {
    private let configuration: HTTPServerConfiguration
    private let responder: any HTTPResponder
    private let logger: Logger
    private let shared: LoopShared
    private let epoll: Int32
    private var listener: Int32
    private var connections: [Int32: Connection] = [:]
    private var nextID: UInt64 = 0
    private var requestsInFlight = 0
    private var date = HTTPDate()
    private var buffer: [UInt8]
    private var acceptPausedUntil: ContinuousClock.Instant?
    /// Connections in the order they became idle, for eviction at the cap: (descriptor, id, since when). An entry
    /// whose connection has since closed or done something else is stale and skipped when reached.
    private var idleQueue: [(fd: Int32, id: UInt64, since: ContinuousClock.Instant)] = []
    private var idleHead = 0

    init(
        listener: Int32, configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger,
        shared: LoopShared
    ) throws(HTTPServerError) {
        self.listener = listener
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.shared = shared
        buffer = [UInt8](repeating: 0, count: max(1024, configuration.readBudget))
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw HTTPServerError(description: "epoll: \(String(cString: strerror(errno)))") }
        register(listener, events: EPOLLIN.rawValue)
        register(shared.wakeRead, events: EPOLLIN.rawValue)
    }

    // MARK: - The loop

    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var lastSweep = ContinuousClock.now
        var stopHandled = false
        while true {
            let control = shared.control.withLock { $0 }
            if control.stopping {
                if !stopHandled {
                    stopAccepting()
                    stopHandled = true
                }
                if connections.isEmpty || (control.graceUntil.map { ContinuousClock.now >= $0 } ?? true) { break }
            }
            if let paused = acceptPausedUntil, ContinuousClock.now >= paused, listener >= 0 {
                acceptPausedUntil = nil
                register(listener, events: EPOLLIN.rawValue)
            }
            let count = max(0, Int(epoll_wait(epoll, &events, Int32(events.count), 100)))
            // Finished responses and new connections first: they are a few bytes each, while the turn's reads may
            // each parse a full budget, so a flood on other connections delays them by one turn, not several.
            for index in 0..<count where events[index].data.fd == shared.wakeRead {
                drainWake()
                deliverCompletions()
            }
            for index in 0..<count where events[index].data.fd == listener { acceptAll() }
            for index in 0..<count {
                let fd = events[index].data.fd
                guard fd != listener, fd != shared.wakeRead, let connection = connections[fd] else { continue }
                handle(connection, events[index].events)
            }
            if ContinuousClock.now - lastSweep >= .milliseconds(100) {
                sweepDeadlines()
                lastSweep = ContinuousClock.now
            }
        }
        for connection in Array(connections.values) { carryOut(connection.machine.peerGone(), on: connection) }
        stopAccepting()
        Glibc.close(epoll)
        shared.finished.signal()
    }

    /// No new connections; idle ones close now, busy ones after their response (which says `Connection: close`).
    private func stopAccepting() {
        if listener >= 0 {
            epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
            Glibc.close(listener)
            listener = -1
        }
        for connection in Array(connections.values) { carryOut(connection.machine.stop(), on: connection) }
    }

    // MARK: - Accepting

    private func acceptAll() {
        while listener >= 0 {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors: stop listening a moment rather than spin on a socket we cannot accept.
                    logger.warning("out of file descriptors; pausing accept for 100 ms")
                    epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
                    acceptPausedUntil = .now + .milliseconds(100)
                }
                return
            }
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            shared.counters.connectionAccepted()
            guard connections.count < configuration.maxConnections || evictOldestIdle() else {
                var bytes = HTTPResponse.text(.serviceUnavailable, "too many connections; try again shortly")
                    .serialized(keepAlive: false, date: date.now())
                _ = send(fd, &bytes, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                Glibc.close(fd)
                shared.counters.connectionRefused()
                continue
            }
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            nextID += 1
            let machine = ConnectionStateMachine(
                limits: configuration.limits, timeouts: configuration.timeouts, now: .now)
            let connection = Connection(fd: fd, id: nextID, machine: machine)
            connections[fd] = connection
            noteIdleness(connection)
            shared.counters.connectionsOpen(connections.count)
            register(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
            // A client usually sends its request with the handshake: read it now rather than a turn later.
            handle(connection, EPOLLIN.rawValue)
        }
    }

    /// Makes room at the cap by closing the connection that has waited longest with no request in hand (a socket
    /// that never spoke, or a kept-alive one): holding sockets open then costs an attacker their place, not
    /// Discord's. Amortized constant time: the queue is in idleness order, and stale entries are dropped as met.
    private func evictOldestIdle() -> Bool {
        defer { compactIdleQueue() }
        while idleHead < idleQueue.count {
            let entry = idleQueue[idleHead]
            idleHead += 1
            guard let connection = connections[entry.fd], connection.id == entry.id,
                connection.machine.idleSince == entry.since
            else { continue }
            close(connection)
            shared.counters.connectionEvicted()
            return true
        }
        return false
    }

    /// Queues a connection that has just become idle (once per idle spell).
    private func noteIdleness(_ connection: Connection) {
        guard isOpen(connection), let since = connection.machine.idleSince, since != connection.queuedIdleSince
        else { return }
        connection.queuedIdleSince = since
        idleQueue.append((connection.fd, connection.id, since))
        if idleQueue.count - idleHead > 2 * connections.count + 1024 { compactIdleQueue(force: true) }
    }

    /// Drops the consumed front, and with `force` every stale entry, so the queue stays proportional to the
    /// connections open however often they go idle.
    private func compactIdleQueue(force: Bool = false) {
        if force {
            idleQueue = idleQueue[idleHead...].filter { entry in
                guard let connection = connections[entry.fd] else { return false }
                return connection.id == entry.id && connection.machine.idleSince == entry.since
            }
            idleHead = 0
        } else if idleHead > 1024 && idleHead > idleQueue.count / 2 {
            idleQueue.removeFirst(idleHead)
            idleHead = 0
        }
    }

    // MARK: - Reading

    private func handle(_ connection: Connection, _ mask: UInt32) {
        if mask & EPOLLOUT.rawValue != 0, !connection.output.isEmpty { flush(connection) }
        guard isOpen(connection) else { return }
        if mask & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readAvailable(connection)
        }
        noteIdleness(connection)
    }

    /// Reads what has arrived, up to the budget; the rest waits for the loop's next turn.
    private func readAvailable(_ connection: Connection) {
        var total = 0
        while total < buffer.count, isOpen(connection) {
            let count = buffer.withUnsafeMutableBytes {
                recv(connection.fd, $0.baseAddress, $0.count - total, 0)
            }
            if count > 0 {
                total += count
                carryOut(connection.machine.bytesRead(buffer[0..<count], now: .now), on: connection)
            } else if count == 0 {
                carryOut(connection.machine.peerGone(), on: connection)
                return
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return
            } else {
                carryOut(connection.machine.peerGone(), on: connection)
                return
            }
        }
    }

    // MARK: - Actions

    private func carryOut(_ actions: [ConnectionStateMachine.Action], on connection: Connection) {
        for action in actions {
            guard isOpen(connection) else { return }
            switch action {
            case .dispatch(let request):
                dispatch(request, on: connection)
            case .write(let bytes):
                connection.output += bytes
                flush(connection)
            case .send(let response, let keepAlive, let head):
                connection.output += response.serialized(keepAlive: keepAlive, date: date.now(), head: head)
                flush(connection)
            case .watchRead(let read):
                watch(connection, read: read, write: connection.watchingWrite)
            case .shutdownWrite:
                shutdown(connection.fd, Int32(SHUT_WR))
            case .cancelResponder:
                connection.responder?.cancel()
                finishResponder(connection)
                shared.counters.responderCancelled()
            case .close:
                finishResponder(connection)
                close(connection)
            case .note(.rejected(let status, let reason)):
                logger.debug("rejected a request", metadata: ["status": "\(status.code)", "reason": "\(reason)"])
                shared.counters.rejected(status: status.code)
            case .note(.timedOut):
                shared.counters.timedOut()
            }
        }
    }

    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        guard requestsInFlight < configuration.maxRequestsInFlight else {
            carryOut(connection.machine.refuseDispatch(now: .now), on: connection)
            return
        }
        requestsInFlight += 1
        shared.counters.requestsInFlight(requestsInFlight)
        let responder = self.responder
        let shared = self.shared
        let fd = connection.fd
        let id = connection.id
        connection.responder = Task {
            let response = await responder.respond(to: request)
            shared.complete(.init(fd: fd, id: id, response: response))
        }
    }

    /// The connection no longer waits for its responder (answered, cancelled or closed).
    private func finishResponder(_ connection: Connection) {
        guard connection.responder != nil else { return }
        connection.responder = nil
        requestsInFlight -= 1
        shared.counters.requestsInFlight(requestsInFlight)
    }

    private func drainWake() {
        while buffer.withUnsafeMutableBytes({ read(shared.wakeRead, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func deliverCompletions() {
        let done = shared.completions.withLock { completions in
            defer { completions.removeAll(keepingCapacity: true) }
            return completions
        }
        for completion in done {
            guard let connection = connections[completion.fd], connection.id == completion.id,
                connection.responder != nil
            else { continue }
            finishResponder(connection)
            carryOut(connection.machine.responseReady(completion.response, now: .now), on: connection)
            noteIdleness(connection)
        }
    }

    // MARK: - Writing

    private func flush(_ connection: Connection) {
        while connection.written < connection.output.count {
            let count = connection.output.withUnsafeBytes {
                send(
                    connection.fd, $0.baseAddress! + connection.written, $0.count - connection.written,
                    Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if count > 0 {
                connection.written += count
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                watch(connection, read: connection.watchingRead, write: true)
                return
            } else {
                carryOut(connection.machine.peerGone(), on: connection)
                return
            }
        }
        connection.output.removeAll(keepingCapacity: true)
        connection.written = 0
        watch(connection, read: connection.watchingRead, write: false)
        carryOut(connection.machine.writeFlushed(now: .now), on: connection)
    }

    // MARK: - Deadlines

    private func sweepDeadlines() {
        let now = ContinuousClock.now
        for connection in Array(connections.values) {
            guard let deadline = connection.machine.deadline, deadline <= now else { continue }
            carryOut(connection.machine.deadlineReached(now: now), on: connection)
            noteIdleness(connection)
        }
    }

    // MARK: - epoll

    private func isOpen(_ connection: Connection) -> Bool { connections[connection.fd] === connection }

    private func register(_ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
    }

    private func watch(_ connection: Connection, read: Bool, write: Bool) {
        guard read != connection.watchingRead || write != connection.watchingWrite else { return }
        connection.watchingRead = read
        connection.watchingWrite = write
        var event = epoll_event()
        // The peer's close is watched even while reading pauses, so a client that leaves stops its responder.
        event.events = EPOLLRDHUP.rawValue | (read ? EPOLLIN.rawValue : 0) | (write ? EPOLLOUT.rawValue : 0)
        event.data.fd = connection.fd
        epoll_ctl(epoll, EPOLL_CTL_MOD, connection.fd, &event)
    }

    private func close(_ connection: Connection) {
        guard isOpen(connection) else { return }
        epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fd, nil)
        Glibc.close(connection.fd)
        connections[connection.fd] = nil
        shared.counters.connectionsOpen(connections.count)
    }
}
