import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A jump through the bastion (OpenSSH's ProxyJump): the bastion opens a `direct-tcpip` channel to the head node,
/// and the head node's own SSH session runs inside it, end to end encrypted; the head never needs to be reachable
/// from here.
///
/// libssh2 wants a socket, so the head node's session gets one end of a Unix socket pair (`socket`, which that
/// session owns and closes), and a pump thread moves bytes between the other end and the bastion's channel. The
/// thread creates, uses and frees the bastion's session itself, so no libssh2 object is ever shared between threads.
final class SSHTunnel {
    /// The head node's session's socket: one end of the pair, handed over to that session.
    let socket: Int32
    private let wake: Int32
    private let signals: Signals
    private var finished = false

    private init(socket: Int32, wake: Int32, signals: Signals) {
        self.socket = socket
        self.wake = wake
        self.signals = signals
    }

    /// Reaches the bastion and opens the channel to `target`, or throws why not.
    static func open(
        bastion: SSHEndpoint, target: SSHEndpoint, options: SSHOptions, verifier: HostKeyVerifier, deadline: Deadline
    ) throws(SSHError) -> SSHTunnel {
        let bastionHop = SSHError.Hop(.bastion, bastion.address)
        var pair: [Int32] = [-1, -1]
        var wakePipe: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
            throw .connectFailed(bastionHop, reason: "socketpair: \(String(cString: strerror(errno)))")
        }
        guard pipe(&wakePipe) == 0 else {
            close(pair[0])
            close(pair[1])
            throw .connectFailed(bastionHop, reason: "pipe: \(String(cString: strerror(errno)))")
        }
        for descriptor in wakePipe {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
        }
        let signals = Signals()
        let job = Job(
            bastion: bastion, bastionHop: bastionHop, target: target, options: options, verifier: verifier,
            deadline: deadline, peer: pair[1], wake: wakePipe[0])
        let thread = Thread { SSHTunnel.threadMain(job, signals) }
        thread.name = "slurmbot-ssh-tunnel"
        thread.start()
        let tunnel = SSHTunnel(socket: pair[0], wake: wakePipe[1], signals: signals)
        // The thread's own steps are bounded by `deadline`; the margin only covers scheduling.
        let limit = DispatchTime.now() + .milliseconds(Int(deadline.remainingMilliseconds) + 2000)
        if signals.ready.wait(timeout: limit) == .timedOut {
            tunnel.finish()
            close(pair[0])
            throw .timedOut(bastionHop, step: .connect, seconds: deadline.budgetSeconds)
        }
        if let failure = signals.state.withLock({ $0.setupFailure }) {
            tunnel.finish()
            close(pair[0])
            throw failure
        }
        return tunnel
    }

    /// Why the bastion's side broke while the tunnel carried traffic, if it did: the true cause when the head node's
    /// session then reports a lost connection.
    var breakage: SSHError? { signals.state.withLock { $0.breakage } }

    /// Lets the pump forward the head session's last words, then stops it and waits for its thread to end.
    func finish() {
        guard !finished else { return }
        finished = true
        if signals.finished.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
            var byte: UInt8 = 1
            _ = write(wake, &byte, 1)
            _ = signals.finished.wait(timeout: .now() + .seconds(5))
        }
        close(wake)
    }

    deinit { finish() }

    // MARK: - The pump thread

    private struct Job: Sendable {
        var bastion: SSHEndpoint
        var bastionHop: SSHError.Hop
        var target: SSHEndpoint
        var options: SSHOptions
        var verifier: HostKeyVerifier
        var deadline: Deadline
        var peer: Int32
        var wake: Int32
    }

    private final class Signals: Sendable {
        struct State {
            var setupFailure: SSHError?
            var breakage: SSHError?
        }

        let ready = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let state = Mutex(State())
    }

    private static func threadMain(_ job: Job, _ signals: Signals) {
        serve(job, signals)
        close(job.peer)
        close(job.wake)
        signals.finished.signal()
    }

    /// Everything that touches libssh2 happens in here, so the bastion's session is freed before the thread ends.
    private static func serve(_ job: Job, _ signals: Signals) {
        let session: SSHSession
        let channel: SSHChannel
        do {
            let socket = try connectTCP(
                host: job.bastion.host, port: job.bastion.port, hop: job.bastionHop,
                deadline: job.deadline.capped(at: job.options.connectTimeout))
            session = try login(
                to: job.bastion, as: job.bastionHop, socket: socket, options: job.options, verifier: job.verifier,
                deadline: job.deadline)
            channel = try session.openTunnel(
                to: SSHError.Hop(.head, job.target.address), host: job.target.host, port: job.target.port,
                until: job.deadline.capped(at: job.options.connectTimeout))
        } catch {
            signals.state.withLock { $0.setupFailure = error }
            signals.ready.signal()
            return
        }
        signals.ready.signal()
        do {
            try pump(channel, peer: job.peer, wake: job.wake)
        } catch {
            signals.state.withLock { $0.breakage = error }
        }
        // The head node's session sees the end of its socket now, after the cause (if any) was recorded.
        shutdown(job.peer, Int32(SHUT_RDWR))
    }

    /// Moves bytes both ways until the head node's session closes its end, the bastion ends the channel, or the
    /// owner wakes us to stop. Each direction holds at most one buffer in flight, so memory stays flat.
    private static func pump(_ channel: SSHChannel, peer: Int32, wake: Int32) throws(SSHError) {
        let session = channel.session
        var fromBastion = PendingBytes()
        var toBastion = PendingBytes()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var bastionDone = false
        var peerDone = false
        var peerWriteShut = false
        let forever = Deadline.after(.seconds(86_400 * 365))
        var rechecked = false
        while true {
            var progressed = false
            if fromBastion.isEmpty && !bastionDone {
                let count = buffer.withUnsafeMutableBytes { channel.read(into: $0) }
                if count > 0 {
                    fromBastion.replace(with: buffer[0..<count])
                    progressed = true
                } else if count == 0 || count == SSHChannel.wouldBlock {
                    if channel.isAtEnd { bastionDone = true }
                } else {
                    throw session.failure(Int32(count), step: .command)
                }
            }
            if !fromBastion.isEmpty {
                let sent = fromBastion.send(to: peer)
                if sent > 0 {
                    progressed = true
                } else if sent < 0 && errno != EAGAIN && errno != EINTR {
                    return  // the head node's session closed its end
                }
            }
            if bastionDone && fromBastion.isEmpty && !peerWriteShut {
                shutdown(peer, Int32(SHUT_WR))
                peerWriteShut = true
            }
            if toBastion.isEmpty && !peerDone {
                let count = buffer.withUnsafeMutableBytes { recv(peer, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if count > 0 {
                    toBastion.replace(with: buffer[0..<count])
                    progressed = true
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    peerDone = true
                }
            }
            if !toBastion.isEmpty {
                let written = toBastion.withUnsent { channel.write($0) }
                if written > 0 {
                    toBastion.consume(written)
                    progressed = true
                } else if written != SSHChannel.wouldBlock {
                    throw session.failure(Int32(written), step: .command)
                }
            }
            if peerDone && toBastion.isEmpty {
                _ = channel.sendEOF()
                return
            }
            if progressed {
                rechecked = false
                continue
            }
            // Data libssh2 queued while writing: look once more before waiting, never more (no spinning).
            if !rechecked && fromBastion.isEmpty && !bastionDone && channel.hasQueuedData() {
                rechecked = true
                continue
            }
            rechecked = false

            var bastionEvents: Int16 = 0
            if fromBastion.isEmpty && !bastionDone { bastionEvents |= Int16(POLLIN) }
            if !toBastion.isEmpty { bastionEvents |= session.blockedEvents }
            var peerEvents: Int16 = 0
            if toBastion.isEmpty && !peerDone { peerEvents |= Int16(POLLIN) }
            if !fromBastion.isEmpty { peerEvents |= Int16(POLLOUT) }
            var entries = [
                pollfd(fd: bastionEvents == 0 ? -1 : session.socket, events: bastionEvents, revents: 0),
                pollfd(fd: peerEvents == 0 ? -1 : peer, events: peerEvents, revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            try session.wait(on: &entries, .command, until: forever)
            if entries[2].revents != 0 { return }
        }
    }
}

/// One buffer of bytes in flight and how much of it has gone out.
private struct PendingBytes {
    private var bytes: [UInt8] = []
    private var sent = 0

    var isEmpty: Bool { sent == bytes.count }

    mutating func replace(with newBytes: ArraySlice<UInt8>) {
        bytes = Array(newBytes)
        sent = 0
    }

    mutating func consume(_ count: Int) {
        sent += count
    }

    func withUnsent<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[sent...])) }
    }

    /// Sends what it can without blocking (and without SIGPIPE); the result of `send(2)`.
    mutating func send(to descriptor: Int32) -> Int {
        let count = withUnsent { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        if count > 0 { sent += count }
        return count
    }
}
