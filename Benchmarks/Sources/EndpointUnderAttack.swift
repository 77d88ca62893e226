import DiscordModels
import DiscordAPI
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Signed-PING latency on a kept-alive connection while the server is attacked: four clients sending bodies of
/// 300,000 one-byte chunks without pause, then 5,000 sockets held open without a byte sent.
func endpointUnderAttack(port: Int, key: SigningKey, pings: Int = 400) {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

    let body = Array(#"{"id":"1","application_id":"42","type":1,"token":"tok","version":1}"#.utf8)
    let (signature, stamp) = key.headers(for: body, timestamp: Int64(Date().timeIntervalSince1970))
    let ping =
        Array(
            ("POST /interactions HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                + "X-Signature-Ed25519: \(signature)\r\nX-Signature-Timestamp: \(stamp)\r\n"
                + "Content-Length: \(body.count)\r\n\r\n").utf8) + body

    /// `pings` signed PINGs one after another on one connection: p50, p99 and the slowest, in ms.
    func measure() -> (p50: Double, p99: Double, max: Double) {
        let fd = connectTo(port)
        defer { close(fd) }
        var times: [Double] = []
        for _ in 0..<pings {
            let started = ContinuousClock.now
            sendAll(fd, ping)
            guard readResponse(fd) else { break }
            let elapsed = ContinuousClock.now - started
            times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        let sorted = times.sorted()
        guard !sorted.isEmpty else { return (.nan, .nan, .nan) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)], sorted.last!)
    }

    let quiet = measure()
    print(
        String(
            format: "  signed PING, quiet server:                       p50 %.2f ms  p99 %.2f ms  max %.2f ms",
            quiet.p50, quiet.p99, quiet.max))

    let flood =
        Array("POST /interactions HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        + Array(repeating: Array("1\r\na\r\n".utf8), count: 300_000).joined() + Array("0\r\n\r\n".utf8)
    let stop = Atomic(false)
    let bodiesSent = Atomic(0)
    let group = DispatchGroup()
    for _ in 0..<4 {
        group.enter()
        Thread {
            while !stop.load(ordering: .relaxed) {
                let fd = connectTo(port)
                sendAll(fd, flood)
                _ = readResponse(fd)
                close(fd)
                bodiesSent.add(1, ordering: .relaxed)
            }
            group.leave()
        }.start()
    }
    Thread.sleep(forTimeInterval: 0.2)
    let flooded = measure()
    stop.store(true, ordering: .relaxed)
    group.wait()
    print(
        String(
            format:
                "  signed PING, 4 clients sending 1-byte chunks:    p50 %.2f ms  p99 %.2f ms  max %.2f ms"
                + "  (%d bodies of 1.8 MB read meanwhile)",
            flooded.p50, flooded.p99, flooded.max, bodiesSent.load(ordering: .relaxed)))

    let idle = (0..<5000).map { _ in connectTo(port) }
    Thread.sleep(forTimeInterval: 0.5)
    let held = measure()
    print(
        String(
            format: "  signed PING, 5,000 idle sockets open:            p50 %.2f ms  p99 %.2f ms  max %.2f ms",
            held.p50, held.p99, held.max))
    idle.forEach { close($0) }
}

private func connectTo(_ port: Int) -> Int32 {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var on: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    var time = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return fd
}

private func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
        guard count > 0 else { return }
        offset += count
    }
}

/// Reads one response with a Content-Length body; false when the server closed or timed out first.
private func readResponse(_ fd: Int32) -> Bool {
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
        if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
            let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
            let length =
                head.components(separatedBy: "content-length: ").dropFirst().first
                .flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
            if received.count >= end.upperBound + length { return true }
        }
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        received += chunk[0..<count]
    }
}
