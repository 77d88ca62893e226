#if canImport(Glibc)
    import Glibc
#endif

/// Opens a non-blocking TCP connection to `host:port` before `deadline`, trying each address the name resolves to.
///
/// The socket stays non-blocking: libssh2 runs in non-blocking mode on it and every wait is a `poll(2)` with a
/// deadline, so no read or write can hang a poll.
func connectTCP(host: String, port: Int, hop: SSHError.Hop, deadline: Deadline) throws(SSHError) -> Int32 {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let resolved = getaddrinfo(host, String(port), &hints, &list)
    guard resolved == 0, let list else { throw .unresolvable(hop, reason: String(cString: gai_strerror(resolved))) }
    defer { freeaddrinfo(list) }
    var lastReason = "no usable address"
    var cursor: UnsafeMutablePointer<addrinfo>? = list
    while let info = cursor?.pointee {
        cursor = info.ai_next
        let descriptor = socket(
            info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
            info.ai_protocol)
        guard descriptor >= 0 else {
            lastReason = String(cString: strerror(errno))
            continue
        }
        if connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 || errno == EINPROGRESS {
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
