import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Opens a non-blocking TCP connection to `host:port` before `deadline`, trying each address the name resolves to.
///
/// The socket stays non-blocking: libssh2 runs in non-blocking mode on it and every wait is a `poll(2)` with a
/// deadline, so no read or write can hang a poll.
func connectTCP(host: String, port: Int, hop: SSHError.Hop, deadline: Deadline) throws(SSHError) -> Int32 {
    var lastReason = "no usable address"
    for address in try resolve(host: host, port: port, hop: hop, deadline: deadline) {
        let descriptor = socket(
            address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
            0)
        guard descriptor >= 0 else {
            lastReason = String(cString: strerror(errno))
            continue
        }
        let started = address.bytes.withUnsafeBytes {
            connect(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        }
        if started == 0 || errno == EINPROGRESS {
            var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            var ready: Int32 = -1
            repeat { ready = poll(&entry, 1, deadline.remainingMilliseconds) } while ready < 0 && errno == EINTR
            if ready == 0 {
                close(descriptor)
                throw .timedOut(hop, step: .connect, seconds: deadline.budgetSeconds)
            }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
            if ready > 0 && failure == 0 {
                var on: Int32 = 1
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                return descriptor
            }
            lastReason = String(cString: strerror(failure != 0 ? failure : errno))
        } else {
            lastReason = String(cString: strerror(errno))
        }
        close(descriptor)
        if deadline.hasPassed { throw .timedOut(hop, step: .connect, seconds: deadline.budgetSeconds) }
    }
    throw .connectFailed(hop, reason: lastReason)
}

/// One resolved address: its family and its `sockaddr` bytes.
struct ResolvedAddress: Sendable {
    var family: Int32
    var bytes: [UInt8]
}

/// The addresses of `host`. An IP address is converted at once; a name goes through `getaddrinfo`, which has no
/// timeout (a broken resolver can stall it for tens of seconds), so that runs on a thread of its own and we stop
/// waiting at the deadline (it then finishes, unheard, in the background).
func resolve(host: String, port: Int, hop: SSHError.Hop, deadline: Deadline) throws(SSHError) -> [ResolvedAddress] {
    if case .success(let addresses) = lookUp(host: host, port: port, hop: hop, numericOnly: true) { return addresses }
    let answer = Mutex<Result<[ResolvedAddress], SSHError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread {
        let result = lookUp(host: host, port: port, hop: hop, numericOnly: false)
        answer.withLock { $0 = result }
        done.signal()
    }.start()
    guard done.wait(timeout: .now() + .milliseconds(Int(deadline.remainingMilliseconds))) == .success,
        let result = answer.withLock({ $0 })
    else { throw .timedOut(hop, step: .connect, seconds: deadline.budgetSeconds) }
    return try result.get()
}

private func lookUp(host: String, port: Int, hop: SSHError.Hop, numericOnly: Bool) -> Result<
    [ResolvedAddress], SSHError
> {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = numericOnly ? AI_NUMERICHOST | AI_NUMERICSERV : AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    defer { if list != nil { freeaddrinfo(list) } }
    guard status == 0 else { return .failure(.unresolvable(hop, reason: String(cString: gai_strerror(status)))) }
    var addresses: [ResolvedAddress] = []
    var cursor = list
    while let info = cursor?.pointee {
        addresses.append(
            ResolvedAddress(
                family: info.ai_family,
                bytes: Array(UnsafeRawBufferPointer(start: info.ai_addr, count: Int(info.ai_addrlen)))))
        cursor = info.ai_next
    }
    return .success(addresses)
}
