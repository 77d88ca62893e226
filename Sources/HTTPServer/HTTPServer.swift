import Dispatch
import Foundation
public import Logging
import Synchronization
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 server on plain sockets, for slurmbot's Discord endpoint (no NIO, no framework).
///
/// One thread runs an `epoll` loop that owns every socket; each connection's decisions are made by its
/// `ConnectionStateMachine`. Each request goes to the responder in a task, and its response comes back to the loop,
/// in order per connection. Malformed, oversized and slow requests are answered by the server itself (400, 408,
/// 411, 413, 431, 501, 505); at the connection cap the longest-idle connection makes room (503 only when none is
/// idle); past the limit of requests in flight a request gets 503; and `shutdown` stops accepting, lets requests in
/// flight finish and then closes everything.
public final class HTTPServer: Sendable {
    /// The port actually bound (useful with port 0).
    public let port: Int
    public let configuration: HTTPServerConfiguration
    private let shared: LoopShared

    /// Binds, listens and starts the loop thread; the server is serving when this returns.
    public init(configuration: HTTPServerConfiguration, responder: some HTTPResponder, logger: Logger)
        throws(HTTPServerError)
    {
        Self.raiseDescriptorLimit()
        let (listener, port) = try ListeningSocket.open(host: configuration.host, port: configuration.port)
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            Glibc.close(listener)
            throw HTTPServerError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        for fd in pipeEnds {
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        let shared = LoopShared(
            wakeRead: pipeEnds[0], wakeWrite: pipeEnds[1], counters: ServerCounters(factory: configuration.metrics))
        let loop = try EventLoop(
            listener: listener, configuration: configuration, responder: responder, logger: logger, shared: shared)
        let box = LoopBox(loop)
        let thread = Thread { box.take().run() }
        thread.name = "slurmbot-http"
        thread.start()
        self.port = port
        self.configuration = configuration
        self.shared = shared
    }

    /// What the server has done on its own so far (also recorded through `configuration.metrics`).
    public var statistics: HTTPServerStatistics { shared.counters.snapshot }

    /// Stops accepting, answers what is in flight (with `Connection: close`), closes idle connections at once, and
    /// returns when every connection is closed or `grace` has passed.
    public func shutdown(grace: Duration = .seconds(10)) async {
        shared.control.withLock {
            $0.stopping = true
            $0.graceUntil = .now + grace
        }
        shared.wake()
        await waitUntilStopped()
    }

    /// Returns once the loop has ended (after `shutdown`).
    public func waitUntilStopped() async {
        let finished = shared.finished
        await onOwnThread(name: "slurmbot-http-wait") {
            finished.wait()
            finished.signal()
        }
    }

    /// Many idle connections are legitimate (Caddy pools them): use every descriptor the hard limit allows.
    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// Hands the loop, which is not `Sendable`, to the one thread that will ever use it.
private final class LoopBox: @unchecked Sendable {
    // Written once before the thread starts, read once by that thread: never shared.
    private var loop: EventLoop?

    init(_ loop: EventLoop) {
        self.loop = loop
    }

    func take() -> EventLoop {
        defer { loop = nil }
        return loop!
    }
}
