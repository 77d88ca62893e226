internal import CLinux
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The state the loop shares with other threads: finished responses, the stop request, statistics.
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
    let statistics = Mutex(HTTPServerStatistics())
    let finished = DispatchSemaphore(value: 0)
    let wakeRead: Int32
    let wakeWrite: Int32

    init(wakeRead: Int32, wakeWrite: Int32) {
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
/// Sockets are non-blocking and only this thread reads, writes, accepts or closes them; responders run as tasks
/// and hand their responses back through `LoopShared`. Blocking never happens on Swift's cooperative pool.
final class EventLoop {
    private let configuration: HTTPServerConfiguration
    private let responder: any HTTPResponder
    private let logger: Logger
    private let shared: LoopShared
    private let epoll: Int32
    private var listener: Int32
    private var connections: [Int32: Connection] = [:]
    private var nextID: UInt64 = 0
    private var date = HTTPDate()
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private var acceptPausedUntil: ContinuousClock.Instant?

    init(
        listener: Int32, configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger,
        shared: LoopShared
    ) throws(HTTPServerError) {
        self.listener = listener
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.shared = shared
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
            let count = epoll_wait(epoll, &events, Int32(events.count), 100)
            for index in 0..<max(0, Int(count)) {
                let fd = events[index].data.fd
                let mask = events[index].events
                if fd == listener {
                    acceptAll()
                } else if fd == shared.wakeRead {
                    drainWake()
                    deliverCompletions(stopping: control.stopping)
                } else if let connection = connections[fd] {
                    handle(connection, mask)
                }
            }
            if ContinuousClock.now - lastSweep >= .milliseconds(100) {
                sweepDeadlines()
                lastSweep = ContinuousClock.now
            }
        }
        for connection in Array(connections.values) { close(connection) }
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
        for connection in Array(connections.values) {
            switch connection.phase {
            case .reading where connection.parser.isIdle && connection.output.isEmpty: close(connection)
            default: connection.closeAfterWrite = true
            }
        }
    }

    // MARK: - Accepting

    private func acceptAll() {
        while true {
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
            shared.statistics.withLock { $0.connectionsAccepted += 1 }
            guard connections.count < configuration.maxConnections else {
                var bytes = HTTPResponse.text(.serviceUnavailable, "too many connections; try again shortly")
                    .serialized(keepAlive: false, date: date.now())
                _ = send(fd, &bytes, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                Glibc.close(fd)
                shared.statistics.withLock { $0.connectionsRefused += 1 }
                continue
            }
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            nextID += 1
            let connection = Connection(
                fd: fd, id: nextID, limits: configuration.limits, idleUntil: .now + configuration.idleTimeout)
            connections[fd] = connection
            shared.statistics.withLock { $0.connectionsOpen = connections.count }
            register(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        }
    }

    // MARK: - Reading

    private func handle(_ connection: Connection, _ mask: UInt32) {
        if mask & EPOLLOUT.rawValue != 0 { flush(connection) }
        guard connections[connection.fd] === connection else { return }
        if mask & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readAvailable(connection)
        }
    }

    private func readAvailable(_ connection: Connection) {
        var peerClosed = false
        var total = 0
        while total < 262_144 {
            let count = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                total += count
                if connection.phase != .lingering { connection.parser.feed(buffer[0..<count]) }
            } else if count == 0 {
                peerClosed = true
                break
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                close(connection)
                return
            }
        }
        if connection.phase == .lingering {
            if peerClosed { close(connection) }
            return
        }
        if connection.phase == .reading { process(connection) }
        guard connections[connection.fd] === connection, peerClosed else { return }
        // The client is gone (or half-closed): an answer to something still being handled will not be read.
        switch connection.phase {
        case .reading: close(connection)
        case .handling, .writing:
            connection.closeAfterWrite = true
            watch(connection, read: false, write: connection.watchingWrite)
        case .lingering: close(connection)
        }
    }

    /// Runs the parser over what has arrived: at most one request goes to the responder at a time.
    private func process(_ connection: Connection) {
        while connection.phase == .reading {
            switch connection.parser.next() {
            case .needMore:
                setReadDeadline(connection)
                return
            case .expectContinue:
                connection.output += Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
                flush(connection)
                guard connections[connection.fd] === connection else { return }
            case .request(let request):
                dispatch(request, on: connection)
                return
            case .reject(let status, let reason):
                logger.debug("rejected a request", metadata: ["status": "\(status.code)", "reason": "\(reason)"])
                shared.statistics.withLock { $0.rejectedByStatus[status.code, default: 0] += 1 }
                answerAndClose(connection, .text(status, reason))
                return
            }
        }
    }

    private func setReadDeadline(_ connection: Connection) {
        switch connection.parser.progress {
        case .idle:
            if connection.wait != .idle {
                connection.wait = .idle
                connection.deadline = .now + configuration.idleTimeout
            }
        case .head:
            if connection.wait != .head {
                connection.wait = .head
                connection.deadline = .now + configuration.headerTimeout
            }
        case .body:
            if connection.wait != .body {
                connection.wait = .body
                connection.deadline = .now + configuration.bodyTimeout
            }
        }
    }

    private func dispatch(_ request: HTTPRequest, on connection: Connection) {
        connection.phase = .handling
        connection.wait = .none
        connection.requestKeepsAlive = request.keepAlive
        connection.requestIsHead = request.method == "HEAD"
        watch(connection, read: false, write: connection.watchingWrite)
        let responder = self.responder
        let shared = self.shared
        let fd = connection.fd
        let id = connection.id
        Task {
            let response = await responder.respond(to: request)
            shared.complete(.init(fd: fd, id: id, response: response))
        }
    }

    private func drainWake() {
        while buffer.withUnsafeMutableBytes({ read(shared.wakeRead, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func deliverCompletions(stopping: Bool) {
        let done = shared.completions.withLock { completions in
            defer { completions.removeAll(keepingCapacity: true) }
            return completions
        }
        for completion in done {
            guard let connection = connections[completion.fd], connection.id == completion.id,
                connection.phase == .handling
            else { continue }
            let asksToClose = completion.response.headers["Connection"]?.caseInsensitiveEquals("close") ?? false
            if stopping || asksToClose || !connection.requestKeepsAlive { connection.closeAfterWrite = true }
            connection.output += completion.response.serialized(
                keepAlive: !connection.closeAfterWrite, date: date.now(), head: connection.requestIsHead)
            connection.phase = .writing
            flush(connection)
        }
    }

    // MARK: - Writing

    private func answerAndClose(_ connection: Connection, _ response: HTTPResponse) {
        connection.closeAfterWrite = true
        connection.phase = .writing
        connection.output += response.serialized(keepAlive: false, date: date.now())
        flush(connection)
    }

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
                if connection.wait != .write {
                    connection.wait = .write
                    connection.deadline = .now + configuration.writeTimeout
                }
                watch(connection, read: connection.watchingRead, write: true)
                return
            } else {
                close(connection)
                return
            }
        }
        connection.output.removeAll(keepingCapacity: true)
        connection.written = 0
        guard connection.phase == .writing else {
            watch(connection, read: connection.watchingRead, write: false)
            return
        }
        if connection.closeAfterWrite {
            linger(connection)
            return
        }
        connection.phase = .reading
        connection.wait = .none
        watch(connection, read: true, write: false)
        process(connection)
    }

    /// Shuts our side after the last response and drains the client's leftovers for a moment before closing, so
    /// an unread request body does not make the kernel reset the connection under the response.
    private func linger(_ connection: Connection) {
        shutdown(connection.fd, Int32(SHUT_WR))
        connection.phase = .lingering
        connection.wait = .linger
        connection.deadline = .now + .seconds(1)
        watch(connection, read: true, write: false)
    }

    // MARK: - Deadlines

    private func sweepDeadlines() {
        let now = ContinuousClock.now
        for connection in Array(connections.values) where connection.wait != .none && connection.deadline <= now {
            switch connection.wait {
            case .idle, .linger:
                close(connection)
            case .head, .body:
                shared.statistics.withLock {
                    $0.timeouts += 1
                    $0.rejectedByStatus[408, default: 0] += 1
                }
                answerAndClose(connection, .text(.requestTimeout, "the request did not arrive in time"))
            case .write:
                shared.statistics.withLock { $0.timeouts += 1 }
                close(connection)
            case .none:
                break
            }
        }
    }

    // MARK: - epoll

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
        event.events = (read ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : 0) | (write ? EPOLLOUT.rawValue : 0)
        event.data.fd = connection.fd
        epoll_ctl(epoll, EPOLL_CTL_MOD, connection.fd, &event)
    }

    private func close(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fd, nil)
        Glibc.close(connection.fd)
        connections[connection.fd] = nil
        shared.statistics.withLock { $0.connectionsOpen = connections.count }
    }
}
