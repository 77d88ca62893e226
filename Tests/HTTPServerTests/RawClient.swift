import Dispatch
import Foundation
import Synchronization
import Threads

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP client that sends exactly the bytes a test gives it and reads raw responses: no HTTP library in between.
///
/// Its waits run on a GCD thread: blocking in a test's task would starve the cooperative pool (two threads here)
/// that the server's responders need.
final class RawClient: Sendable {
    let fd: Int32
    private let pending = Mutex<[UInt8]>([])

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects to `host` (IPv4 or IPv6 literal) with a receive timeout so no test can hang.
    init(host: String = "127.0.0.1", port: Int, timeout: Double = 20) throws {
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        let isV6 = host.contains(":")
        fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        let connected: Int32
        if isV6 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &v6.sin6_addr)
            connected = withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(port).bigEndian
            v4.sin_addr.s_addr = inet_addr(host)
            connected = withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect: \(reason)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { return }
            offset += count
        }
    }

    /// Reads one response (status line, headers, Content-Length body); nil when the server closed first.
    func response() async throws -> Response? {
        try await offPool { [self] in
            while true {
                if let parsed = try parse() { return parsed }
                var chunk = [UInt8](repeating: 0, count: 65_536)
                let count = recv(fd, &chunk, chunk.count, 0)
                if count == 0 { return nil }
                guard count > 0 else { throw Failure(description: "recv: \(String(cString: strerror(errno)))") }
                pending.withLock { $0 += chunk[0..<count] }
            }
        }
    }

    /// True when the server has closed the connection (reads end), within the receive timeout.
    func isClosed() async -> Bool {
        (try? await offPool { [self] in
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &chunk, chunk.count, 0)
                if count == 0 { return true }
                if count < 0 { return errno == ECONNRESET }
            }
        }) ?? false
    }

    /// Raw bytes until `done` says enough or the server stops sending.
    func read(until done: @escaping @Sendable ([UInt8]) -> Bool) async -> [UInt8] {
        (try? await offPool { [self] in
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while !done(bytes) {
                let count = recv(fd, &chunk, chunk.count, 0)
                guard count > 0 else { break }
                bytes += chunk[0..<count]
            }
            return bytes
        }) ?? []
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await onOwnThread(name: "raw-client") { () throws(any Error) in try body() }
    }

    private func parse() throws -> Response? {
        try pending.withLock { pending in try Self.parse(&pending) }
    }

    private static func parse(_ pending: inout [UInt8]) throws -> Response? {
        guard let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard pending.count - end.upperBound >= length else { return nil }
        let body = Array(pending[end.upperBound..<end.upperBound + length])
        pending.removeFirst(end.upperBound + length)
        return Response(status: status, headers: headers, body: body)
    }
}
