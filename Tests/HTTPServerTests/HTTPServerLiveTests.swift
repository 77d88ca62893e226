import Foundation
import Logging
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// Answers `/echo` with what it got, `/slow?ms=N` after N ms, `/big?bytes=N` with N bytes.
struct TestResponder: HTTPResponder {
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        let query = request.target.split(separator: "?").dropFirst().first.map(String.init) ?? ""
        let number = Int(query.split(separator: "=").last ?? "") ?? 0
        switch request.path {
        case "/slow":
            try? await Task.sleep(for: .milliseconds(number))
            return .text(.ok, "slept \(number)")
        case "/big":
            return HTTPResponse(status: .ok, body: [UInt8](repeating: 0x61, count: number))
        default:
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/plain"],
                body: Array("\(request.method) \(request.target) ".utf8) + request.body)
        }
    }
}

/// Waits are bounded by the raw client's 20 s receive timeout: an answer that does not come fails the test. Speed is
/// for the benchmarks, so no test asserts how fast.
@Suite(
    "the HTTP server on real sockets: keep-alive, pipelining, limits, slow clients, many clients, shutdown", .serialized
)
struct HTTPServerLiveTests {
    /// A live server on a free loopback port; the hostile-input suite passes a responder of its own.
    static func server<Responder: HTTPResponder>(
        _ configuration: HTTPServerConfiguration = .init(host: "127.0.0.1", port: 0),
        responder: Responder = TestResponder()
    ) throws -> HTTPServer {
        try HTTPServer(configuration: configuration, responder: responder, logger: Logger(label: "test"))
    }

    @Test("GET and POST on one kept-alive connection")
    func keepAlive() async throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        let first = try #require(try await client.response())
        #expect(first.status == 200 && first.text == "GET /echo " && first.headers["connection"] == nil)
        #expect(first.headers["date"]?.hasSuffix(" GMT") == true)
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        #expect(try await client.response()?.text == "POST /echo hello")
        client.send("GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(try await client.response()?.headers["connection"] == "close")
        #expect(await client.isClosed())
        await server.shutdown()
    }

    @Test("pipelined requests are answered in order, even when the first is the slowest")
    func pipelining() async throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        client.send(
            "GET /slow?ms=300 HTTP/1.1\r\nHost: t\r\n\r\nGET /echo?2 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo?3 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(try await client.response()?.text == "slept 300\n")
        #expect(try await client.response()?.text == "GET /echo?2 ")
        #expect(try await client.response()?.text == "POST /echo?3 abc")
        await server.shutdown()
    }

    @Test("HEAD gets the length and no body; IPv6 works; 100-continue is honoured")
    func headIPv6AndContinue() async throws {
        let server = try Self.server(.init(host: "::1", port: 0))
        let client = try RawClient(host: "::1", port: server.port)
        client.send("HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\nGET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        // The HEAD response has Content-Length 11 but no body: the next bytes are the GET's response.
        let bytes = await client.read { String(decoding: $0, as: UTF8.self).hasSuffix("GET /echo ") }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("Content-Length: 11\r\n"))
        #expect(
            text.components(separatedBy: "\r\n\r\n").dropFirst().first?.hasPrefix("HTTP/1.1 200 OK") == true, "\(text)")

        let waiting = try RawClient(host: "::1", port: server.port)
        waiting.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        #expect(try await waiting.response()?.status == 100)
        waiting.send("body")
        #expect(try await waiting.response()?.text == "POST /echo body")
        await server.shutdown()
    }

    @Test(
        "malformed requests get their status and a closed connection",
        arguments: [
            ("GARBAGE\r\n\r\n", 400), ("GET / HTTP/1.1\r\n\r\n", 400), ("POST / HTTP/1.1\r\nHost: t\r\n\r\n", 411),
            ("GET / HTTP/3.0\r\nHost: t\r\n\r\n", 505),
            ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: br\r\n\r\n", 501),
        ])
    func malformed(text: String, status: Int) async throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        client.send(text)
        let response = try #require(try await client.response())
        #expect(response.status == status && response.headers["connection"] == "close")
        #expect(await client.isClosed())
        #expect(server.statistics.rejectedByStatus[status] == 1)
        await server.shutdown()
    }

    @Test("an oversized body is refused before it is read, and the client still sees the 413")
    func oversized() async throws {
        let server = try Self.server(.init(host: "127.0.0.1", port: 0, limits: .init(bodyBytes: 1000)))
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n")
        client.send([UInt8](repeating: 0x61, count: 200_000))
        let response = try #require(try await client.response())
        #expect(response.status == 413)
        let headers = try RawClient(port: server.port)
        headers.send("GET / HTTP/1.1\r\nHost: t\r\nX: \(String(repeating: "a", count: 20_000))\r\n\r\n")
        #expect(try await headers.response()?.status == 431)
        await server.shutdown()
    }

    @Test(
        "a client that sends its head too slowly gets 408; one that idles is closed; one that will not read is dropped")
    func slowClients() async throws {
        let server = try Self.server(
            .init(
                host: "127.0.0.1", port: 0, firstByteTimeout: .milliseconds(400), headerTimeout: .milliseconds(400),
                bodyTimeout: .milliseconds(400),
                idleTimeout: .milliseconds(400), writeTimeout: .milliseconds(400)))
        let slowloris = try RawClient(port: server.port)
        slowloris.send("GET / HTTP/1.1\r\nHo")
        try await Task.sleep(for: .milliseconds(150))
        slowloris.send("st: t\r\nX-A: 1\r\n")
        #expect(try await slowloris.response()?.status == 408, "the server must not wait for the rest of the head")

        let slowBody = try RawClient(port: server.port)
        slowBody.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try await slowBody.response()?.status == 408)

        let idle = try RawClient(port: server.port)
        #expect(await idle.isClosed())

        let deaf = try RawClient(port: server.port)
        var small: Int32 = 4096
        setsockopt(deaf.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        deaf.send("GET /big?bytes=50000000 HTTP/1.1\r\nHost: t\r\n\r\n")
        try await Task.sleep(for: .seconds(2))
        #expect(server.statistics.timeouts >= 3)
        #expect(server.statistics.connectionsOpen == 0)
        await server.shutdown()
    }

    @Test("at the cap a new connection takes the place of the oldest idle one; with none idle it gets 503")
    func cap() async throws {
        let server = try Self.server(.init(host: "127.0.0.1", port: 0, maxConnections: 3))
        let held = try (0..<3).map { _ in try RawClient(port: server.port) }
        try await Task.sleep(for: .milliseconds(100))
        let newcomer = try RawClient(port: server.port)
        newcomer.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await newcomer.response()?.status == 200)
        #expect(await held[0].isClosed(), "the oldest idle connection made room")
        #expect(server.statistics.connectionsEvicted == 1)

        for client in held.dropFirst() + [newcomer] { client.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: t\r\n\r\n") }
        try await Task.sleep(for: .milliseconds(200))
        let refused = try RawClient(port: server.port)
        #expect(try await refused.response()?.status == 503, "every connection is busy: nothing to evict")
        #expect(server.statistics.connectionsRefused == 1)
        #expect(try await newcomer.response()?.status == 200)
        await server.shutdown()
    }

    @Test("a thousand idle connections open while a request still gets through at once")
    func thousandConnections() async throws {
        let server = try Self.server()
        let idle = try (0..<1000).map { _ in try RawClient(port: server.port) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.statistics.connectionsOpen == 1000)
        let client = try RawClient(port: server.port)
        client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await client.response()?.status == 200)
        withExtendedLifetime(idle) {}
        await server.shutdown()
    }

    @Test("shutdown: stop accepting, finish the request in flight (marked close), close the idle ones")
    func gracefulShutdown() async throws {
        let server = try Self.server()
        let busy = try RawClient(port: server.port)
        let idle = try RawClient(port: server.port)
        busy.send("GET /slow?ms=500 HTTP/1.1\r\nHost: t\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        let port = server.port
        async let stopped: Void = server.shutdown()
        try await Task.sleep(for: .milliseconds(100))
        #expect(throws: RawClient.Failure.self) { try RawClient(port: port) }
        #expect(await idle.isClosed())
        let response = try #require(try await busy.response())
        #expect(response.text == "slept 500\n" && response.headers["connection"] == "close")
        await stopped
    }
}
