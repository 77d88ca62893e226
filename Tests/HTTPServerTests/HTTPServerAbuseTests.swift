import FixtureSupport
import Foundation
import Logging
import Synchronization
import Testing
import Threads

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// Answers `/echo` at once; `/hold` sleeps until cancelled (or 30 s) and counts the cancellations it saw.
struct HoldingResponder: HTTPResponder {
    let cancelled = Counter()

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        guard request.path == "/hold" else { return .text(.ok, "echo \(request.body.count)") }
        do {
            try await Task.sleep(for: .seconds(30))
        } catch {
            cancelled.add()
        }
        return .text(.ok, "held")
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

/// What an attacker (or a broken client) can send, on real sockets: each of these once stopped or crashed the server.
@Suite(
    "the HTTP server under hostile input: bad chunk sizes, floods of tiny chunks, idle sockets, clients that leave",
    .serialized)
struct HTTPServerAbuseTests {
    static func server(
        _ configuration: HTTPServerConfiguration = .init(host: "127.0.0.1", port: 0),
        responder: HoldingResponder = HoldingResponder()
    ) throws -> HTTPServer {
        try HTTPServerLiveTests.server(configuration, responder: responder)
    }

    /// One request on a new connection, and how long it took to be answered.
    static func timedEcho(port: Int) async throws -> Duration {
        let clock = ContinuousClock()
        let started = clock.now
        let client = try RawClient(port: port)
        client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try await client.response()
        #expect(response?.status == 200)
        return clock.now - started
    }

    @Test(
        "a chunk size of -1, +5 or -0 is a 400, and the server goes on serving", arguments: ["-1", "+5", "-0", "0x1"])
    func badChunkSizes(size: String) async throws {
        let server = try Self.server()
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nhello\r\n0\r\n\r\n")
        #expect(try await client.response()?.status == 400)
        #expect(await client.isClosed())
        _ = try await Self.timedEcho(port: server.port)
        await server.shutdown()
    }

    @Test("while 4 clients send 300,000 one-byte chunks each, requests on another connection are answered at once")
    func tinyChunkFlood() async throws {
        // The body deadline (10 s) is not what is tested here: beside the full suite on two cores, reading four
        // 1.8 MB floods in a debug build once took longer, and two got their (correct) 408.
        let server = try Self.server(.init(host: "127.0.0.1", port: 0, bodyTimeout: .seconds(60)))
        let body =
            Array("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            + Array(repeating: Array("1\r\na\r\n".utf8), count: 300_000).joined() + Array("0\r\n\r\n".utf8)
        let senders = try (0..<4).map { _ in try RawClient(port: server.port) }
        let sending = Task {
            await withTaskGroup(of: Int?.self) { group in
                for sender in senders {
                    group.addTask {
                        await onOwnThread(name: "flood") { sender.send(body) }
                        return try? await sender.response()?.status
                    }
                }
                return await group.reduce(into: [Int?]()) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        var times: [Duration] = []
        while times.count < 40 {
            times.append(try await Self.timedEcho(port: server.port))
            try await Task.sleep(for: .milliseconds(20))
        }
        let statuses = await sending.value
        #expect(statuses == [200, 200, 200, 200], "every flooded body is read whole")
        // Alone on this machine every answer comes within 35 ms (debug build), and within 65 ms beside three busy
        // loops on two cores: new connections and finished responses are served before the turn's reads. Beside
        // the full suite the median stays under 250 ms and the worst has passed 1 s: it is held to Discord's 3 s.
        // The fault was 11 s for a PING. `Benchmarks/run endpoint` measures the p99 on a release build.
        let sorted = times.sorted()
        #expect(sorted[20] < .milliseconds(250) && sorted[39] < .seconds(3), "answers while flooded: \(sorted)")
        await server.shutdown()
    }

    @Test("with 5,000 idle sockets open (past the cap), a new client is still answered at once")
    func fiveThousandIdle() async throws {
        let server = try Self.server()
        let idle = try (0..<5000).map { _ in try RawClient(port: server.port) }
        let settled = ContinuousClock.now + .seconds(10)
        while server.statistics.connectionsAccepted < 5000 && ContinuousClock.now < settled {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(server.statistics.connectionsOpen == server.configuration.maxConnections)
        // Three new clients, one after the other: the best is the server's own speed, the worst bounds what the
        // test process's scheduling added (beside the other suites, one answer took 59 ms once).
        var times: [Duration] = []
        for _ in 0..<3 { times.append(try await Self.timedEcho(port: server.port)) }
        #expect(times.min()! < .milliseconds(50) && times.max()! < .milliseconds(500), "answered after \(times)")
        #expect(server.statistics.connectionsRefused == 0 && server.statistics.connectionsEvicted >= 905)
        withExtendedLifetime(idle) {}
        await server.shutdown()
    }

    @Test("a socket that never sends a byte is closed at the first-byte deadline")
    func firstByteDeadline() async throws {
        let server = try Self.server(.init(host: "127.0.0.1", port: 0, firstByteTimeout: .milliseconds(300)))
        let silent = try RawClient(port: server.port)
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await silent.isClosed())
        #expect(clock.now - started < .seconds(2))
        await server.shutdown()
    }

    @Test("a client that leaves while its request is handled stops the responder, which is no longer counted")
    func responderCancelled() async throws {
        let responder = HoldingResponder()
        let server = try Self.server(responder: responder)
        do {
            let client = try RawClient(port: server.port)
            client.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.statistics.requestsInFlight == 1)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while responder.cancelled.count == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(responder.cancelled.count == 1)
        #expect(server.statistics.respondersCancelled == 1 && server.statistics.requestsInFlight == 0)
        await server.shutdown()
    }

    @Test("past the limit of requests in flight a request gets 503 with Retry-After, and the others are served")
    func requestsInFlightBounded() async throws {
        let server = try Self.server(.init(host: "127.0.0.1", port: 0, maxRequestsInFlight: 2))
        let holders = try (0..<2).map { _ in try RawClient(port: server.port) }
        for holder in holders { holder.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n") }
        try await Task.sleep(for: .milliseconds(200))
        let extra = try RawClient(port: server.port)
        extra.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try #require(try await extra.response())
        #expect(response.status == 503 && response.headers["retry-after"] == "1")
        #expect(server.statistics.rejectedByStatus[503] == 1)
        await server.shutdown(grace: .milliseconds(200))
    }

    @Test("the fuzzer's seeds (and any crash it once found, kept beside them) replay through the state machine cleanly")
    func fuzzSeedsReplay() async throws {
        let replayer = try #require(Products.path("http-fuzz"))
        let run = try Spawned(replayer, [Fixtures.path("fuzz/http")], environment: [:])
        #expect(await run.wait(timeout: .seconds(30)) == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("replayed"))
    }
}
