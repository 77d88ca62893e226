import Testing

@testable import HTTPServer

/// The connection lifecycle without sockets: each test plays the loop's part, reporting events at chosen instants.
@Suite("a connection's lifecycle as a pure state machine: keep-alive, pipelining, timeouts, linger, cap, shutdown")
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine
    typealias Action = ConnectionStateMachine.Action

    static let timeouts = Machine.Timeouts(
        firstByte: .seconds(1), header: .seconds(2), body: .seconds(3), idle: .seconds(4), write: .seconds(5),
        linger: .seconds(6))
    static let start = ContinuousClock.now

    static func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

    static func machine() -> Machine {
        Machine(limits: .init(), timeouts: timeouts, now: start)
    }

    static func dispatched(_ actions: [Action]) -> [HTTPRequest] {
        actions.compactMap { if case .dispatch(let request) = $0 { request } else { nil } }
    }

    static func sent(_ actions: [Action]) -> [(status: Int, keepAlive: Bool)] {
        actions.compactMap {
            if case .send(let response, let keepAlive, _) = $0 { (response.status.code, keepAlive) } else { nil }
        }
    }

    static let get = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"

    @Test("keep-alive: request, response, flush, and the connection waits idle for the next one")
    func keepAlive() {
        var machine = Self.machine()
        #expect(machine.isIdle && machine.deadline == Self.at(1), "a new socket has its first-byte deadline")
        let first = machine.bytesRead(Array(Self.get.utf8), now: Self.at(0.5))
        #expect(first.first == .watchRead(false) && Self.dispatched(first).map(\.target) == ["/a"])
        #expect(machine.phase == .handling && machine.deadline == nil && !machine.isIdle)
        let answer = machine.responseReady(.text(.ok, "hi"), now: Self.at(10))
        #expect(Self.sent(answer).map(\.keepAlive) == [true] && machine.deadline == Self.at(15))
        #expect(machine.writeFlushed(now: Self.at(10)) == [.watchRead(true)])
        #expect(machine.phase == .reading && machine.wait == .idle && machine.deadline == Self.at(14))
        #expect(machine.idleSince == Self.at(10))
        #expect(machine.deadlineReached(now: Self.at(13.9)) == [], "not yet")
        #expect(machine.deadlineReached(now: Self.at(14)) == [.close])
    }

    @Test("pipelined requests go to the responder one at a time, in order")
    func pipelining() {
        var machine = Self.machine()
        let both = Self.get + "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(Self.dispatched(machine.bytesRead(Array(both.utf8), now: Self.at(0))).map(\.target) == ["/a"])
        #expect(machine.bytesRead(Array("GET /c HTTP/1.1\r\nHost: h\r\n\r\n".utf8), now: Self.at(0)) == [])
        _ = machine.responseReady(.text(.ok, "a"), now: Self.at(1))
        let next = machine.writeFlushed(now: Self.at(1))
        #expect(next.first == .watchRead(true) && Self.dispatched(next).map(\.target) == ["/b"])
        _ = machine.responseReady(.text(.ok, "b"), now: Self.at(2))
        #expect(Self.dispatched(machine.writeFlushed(now: Self.at(2))).map(\.target) == ["/c"])
    }

    @Test("Connection: close, HTTP/1.0 and a responder asking to close: shut our side, linger, then close")
    func closeAndLinger() {
        for (request, response) in [
            ("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", HTTPResponse.text(.ok, "")),
            ("GET / HTTP/1.0\r\n\r\n", HTTPResponse.text(.ok, "")),
            (Self.get, HTTPResponse(status: .ok, headers: ["Connection": "close"])),
        ] {
            var machine = Self.machine()
            _ = machine.bytesRead(Array(request.utf8), now: Self.at(0))
            #expect(Self.sent(machine.responseReady(response, now: Self.at(1))).map(\.keepAlive) == [false])
            #expect(machine.writeFlushed(now: Self.at(1)) == [.shutdownWrite, .watchRead(true)])
            #expect(machine.phase == .lingering && machine.deadline == Self.at(7))
            #expect(machine.bytesRead(Array("leftovers".utf8), now: Self.at(2)) == [], "drained, not parsed")
            #expect(machine.deadlineReached(now: Self.at(7)) == [.close])
        }
        var early = Self.machine()
        _ = early.bytesRead(Array("GET / HTTP/1.0\r\n\r\n".utf8), now: Self.at(0))
        _ = early.responseReady(.text(.ok, ""), now: Self.at(0))
        _ = early.writeFlushed(now: Self.at(0))
        #expect(early.peerGone() == [.close], "the client read it and left: close at once")
    }

    @Test("each wait has its own deadline, kept from its start: first byte, head, body, write")
    func deadlines() {
        var silent = Self.machine()
        #expect(silent.deadlineReached(now: Self.at(1)) == [.close], "a socket that never speaks is dropped")

        var slowHead = Self.machine()
        _ = slowHead.bytesRead(Array("GET / HT".utf8), now: Self.at(0.5))
        #expect(slowHead.wait == .head && slowHead.deadline == Self.at(2.5) && !slowHead.isIdle)
        _ = slowHead.bytesRead(Array("TP/1.1\r\n".utf8), now: Self.at(2))
        #expect(slowHead.deadline == Self.at(2.5), "a byte now and then earns no more time")
        let timedOut = slowHead.deadlineReached(now: Self.at(2.5))
        #expect(timedOut.first == .note(.timedOut) && Self.sent(timedOut).map(\.status) == [408])

        var slowBody = Self.machine()
        _ = slowBody.bytesRead(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nab".utf8), now: Self.at(0))
        #expect(slowBody.wait == .body && slowBody.deadline == Self.at(3))
        #expect(Self.sent(slowBody.deadlineReached(now: Self.at(3))).map(\.status) == [408])

        var deaf = Self.machine()
        _ = deaf.bytesRead(Array(Self.get.utf8), now: Self.at(0))
        _ = deaf.responseReady(.text(.ok, "big"), now: Self.at(1))
        #expect(deaf.deadlineReached(now: Self.at(6)) == [.note(.timedOut), .close], "it would not read in time")
    }

    @Test("a malformed request is answered with its status and the connection closes after it")
    func rejection() {
        var machine = Self.machine()
        let actions = machine.bytesRead(
            Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n".utf8), now: Self.at(0))
        #expect(actions.first == .note(.rejected(.badRequest, reason: "a chunk size is not a hexadecimal number")))
        #expect(Self.sent(actions).map(\.status) == [400] && Self.sent(actions).map(\.keepAlive) == [false])
        #expect(machine.writeFlushed(now: Self.at(0)) == [.shutdownWrite, .watchRead(true)])
    }

    @Test("Expect: 100-continue writes the interim answer and keeps reading")
    func expectContinue() {
        var machine = Self.machine()
        let head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
        #expect(
            machine.bytesRead(Array(head.utf8), now: Self.at(0)) == [
                .write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            ])
        #expect(machine.writeFlushed(now: Self.at(0)) == [] && machine.phase == .reading)
        #expect(
            Self.dispatched(machine.bytesRead(Array("ok".utf8), now: Self.at(0.1))).map(\.body) == [Array("ok".utf8)])
    }

    @Test("a client that leaves while its request is handled cancels the responder; a late answer is dropped")
    func clientGone() {
        var machine = Self.machine()
        _ = machine.bytesRead(Array(Self.get.utf8), now: Self.at(0))
        #expect(machine.peerGone() == [.cancelResponder, .close])
        #expect(machine.responseReady(.text(.ok, "late"), now: Self.at(1)) == [])
        #expect(machine.phase == .closed && machine.deadline == nil && !machine.isIdle)
    }

    @Test("shutdown: an idle connection closes at once; a busy one answers, marked close, then closes")
    func shutdown() {
        var idle = Self.machine()
        #expect(idle.stop() == [.close])
        var busy = Self.machine()
        _ = busy.bytesRead(Array(Self.get.utf8), now: Self.at(0))
        #expect(busy.stop() == [])
        #expect(Self.sent(busy.responseReady(.text(.ok, ""), now: Self.at(1))).map(\.keepAlive) == [false])
        #expect(busy.writeFlushed(now: Self.at(1)).contains(.shutdownWrite))
        var midRequest = Self.machine()
        _ = midRequest.bytesRead(Array("GET / HTTP/1.1\r\n".utf8), now: Self.at(0))
        #expect(midRequest.stop() == [], "a request on its way is finished first")
    }

    @Test(
        "the cap: only connections with nothing of a request in hand count as idle, oldest by when they began waiting")
    func idleness() {
        var fresh = Self.machine()
        #expect(fresh.idleSince == Self.start)
        _ = fresh.bytesRead(Array("G".utf8), now: Self.at(0.2))
        #expect(!fresh.isIdle, "a request has begun")
        var served = Self.machine()
        _ = served.bytesRead(Array(Self.get.utf8), now: Self.at(0))
        #expect(!served.isIdle)
        _ = served.responseReady(.text(.ok, ""), now: Self.at(3))
        #expect(!served.isIdle)
        _ = served.writeFlushed(now: Self.at(3))
        #expect(served.idleSince == Self.at(3))
    }

    @Test("past the responder limit a request gets 503 with Retry-After and the connection closes")
    func refused() {
        var machine = Self.machine()
        _ = machine.bytesRead(Array(Self.get.utf8), now: Self.at(0))
        let actions = machine.refuseDispatch(now: Self.at(0))
        #expect(Self.sent(actions).map(\.status) == [503] && Self.sent(actions).map(\.keepAlive) == [false])
        let headers = actions.compactMap { if case .send(let response, _, _) = $0 { response.headers } else { nil } }
        #expect(headers.first?["Retry-After"] == "1")
    }
}
