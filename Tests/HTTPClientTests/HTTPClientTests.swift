import HTTPClient
import HTTPServer
import Logging
import Testing

/// Echoes what it received as headers (X-Got-*) and body; `/slow` takes 3 s.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        if request.path == "/slow" { try? await Task.sleep(for: .seconds(3)) }
        var headers: HTTPHeaders = ["X-Got-Method": request.method, "X-Got-Length": String(request.body.count)]
        for name in ["User-Agent", "Authorization", "Content-Type", "Expect"] {
            headers.add("X-Got-\(name)", request.headers[name] ?? "-")
        }
        return HTTPResponse(
            status: HTTPStatus(request.path == "/missing" ? 404 : 200, "X"), headers: headers, body: request.body)
    }
}

@Suite("the libcurl client against a real server on loopback")
struct HTTPClientTests {
    static let client = HTTPClient(userAgent: "DiscordBot (https://example.org, 1.0)")

    @Test("method, fields and binary bodies go out as given; status, fields and body come back")
    func roundTrip() async throws {
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0), responder: EchoResponder(), logger: Logger(label: "t"))
        let body: [UInt8] = [0, 1, 2, 255, 10, 13] + Array("☃".utf8)
        for method in ["POST", "PATCH", "PUT"] {
            let response = try await Self.client.execute(
                HTTPClientRequest(
                    method: method, url: "http://127.0.0.1:\(server.port)/echo",
                    headers: [("Authorization", "Bot secret"), ("Content-Type", "application/octet-stream")], body: body
                ))
            #expect(response.status == 200 && response.body == body)
            #expect(
                response.headers["x-got-method"] == method && response.headers["x-got-length"] == String(body.count))
            #expect(response.headers["x-got-user-agent"] == "DiscordBot (https://example.org, 1.0)")
            #expect(response.headers["x-got-authorization"] == "Bot secret")
            #expect(response.headers["x-got-expect"] == "-", "no 100-continue round trip")
        }
        let empty = try await Self.client.execute(
            HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/echo"))
        #expect(empty.headers["x-got-length"] == "0")
        let missing = try await Self.client.execute(
            HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/missing"))
        #expect(missing.status == 404)
        await server.shutdown()
    }

    @Test("requests one after another share one connection; one the server closed while idle is replaced unnoticed")
    func connectionReuse() async throws {
        let client = HTTPClient(userAgent: "t")
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0), responder: EchoResponder(), logger: Logger(label: "t"))
        for index in 0..<20 {
            let response = try await client.execute(
                HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/echo", body: [UInt8(index)]))
            #expect(response.status == 200 && response.body == [UInt8(index)])
        }
        #expect(server.statistics.connectionsAccepted == 1)
        // This server drops connections idle for 200 ms; the next request opens another, with no error.
        let dropping = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, idleTimeout: .milliseconds(200)),
            responder: EchoResponder(), logger: Logger(label: "t"))
        for _ in 0..<2 {
            let response = try await client.execute(
                HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(dropping.port)/"))
            #expect(response.status == 200)
            try await Task.sleep(for: .seconds(1))
        }
        #expect(dropping.statistics.connectionsAccepted == 2 && dropping.statistics.connectionsOpen == 0)
        await dropping.shutdown()
        // More requests at once than idle handles are kept: each gets its own handle, and all succeed.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await client.execute(
                        HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/")
                    ).status
                }
            }
            for try await status in group { #expect(status == 200) }
        }
        await server.shutdown()
    }

    @Test("no answer in time, nothing listening, a scheme other than http(s): errors, not hangs")
    func failures() async throws {
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0), responder: EchoResponder(), logger: Logger(label: "t"))
        await #expect(throws: HTTPClientError.self) {
            try await Self.client.execute(
                HTTPClientRequest(
                    method: "GET", url: "http://127.0.0.1:\(server.port)/slow", timeout: .milliseconds(500)))
        }
        let port = server.port
        await server.shutdown()
        let refused = await #expect(throws: HTTPClientError.self) {
            try await Self.client.execute(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        }
        #expect(refused?.message.contains("onnect") == true)
        await #expect(throws: HTTPClientError.self) {
            try await Self.client.execute(HTTPClientRequest(method: "GET", url: "file:///etc/passwd"))
        }
    }
}
