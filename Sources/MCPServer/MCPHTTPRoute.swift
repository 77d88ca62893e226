import Foundation
public import HTTPServer
public import Logging
import MCP

/// `/mcp` on the endpoint: MCP's Streamable HTTP transport, fed by our own HTTP server, in its stateless form (each
/// POST is answered on its own, with JSON), so the endpoint keeps no session and any replica can answer.
///
/// Only for whoever holds `SLURMBOT_MCP_TOKEN` (a bearer token, compared in constant time); a browser's request is
/// refused unless its Origin is listed (`SLURMBOT_MCP_ORIGINS`), so a web page cannot reach it through a user's
/// network. Each request is held to 4 s (inside the Caddyfile's 5 s), as the interactions route is held to Discord's 3 s.
public struct MCPHTTPRoute: HTTPResponder {
    let tools: ClusterTools
    let token: [UInt8]
    let origins: Set<String>
    let deadline: Duration
    let logger: Logger

    public init(
        tools: ClusterTools, token: String, origins: Set<String> = [], deadline: Duration = .seconds(4),
        logger: Logger
    ) {
        precondition(!token.isEmpty, "the MCP route needs a token")
        self.tools = tools
        self.token = Array(token.utf8)
        self.origins = origins
        self.deadline = deadline
        self.logger = logger
    }

    public func respond(to request: WireRequest) async -> WireResponse {
        let authorizations = request.headers.values("Authorization")
        guard authorizations.count == 1, Self.bearer(authorizations[0]).map({ Self.same($0, token) }) == true else {
            return WireResponse(
                status: .unauthorized,
                headers: [
                    "WWW-Authenticate": #"Bearer realm="slurmbot""#, "Content-Type": "text/plain; charset=utf-8",
                ],
                body: Array("a valid bearer token is needed\n".utf8))
        }
        if let origin = request.headers["Origin"], !origins.contains(origin) {
            logger.info("refused an MCP request from a web origin", metadata: ["origin": "\(origin.prefix(100))"])
            return .text(.forbidden, "origin not allowed")
        }
        guard request.method == "POST" else {
            // No server-sent event stream: every answer comes back on its POST.
            return WireResponse(status: .methodNotAllowed, headers: ["Allow": "POST"])
        }
        let tools = self.tools
        let answer = await withTaskGroup(of: WireResponse?.self) { group in
            group.addTask { await Self.answer(request, tools: tools) }
            group.addTask { [deadline] in
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let answer else {
            logger.warning("an MCP request ran out of time", metadata: ["deadline": "\(deadline)"])
            return .text(.serviceUnavailable, "the answer took too long; try again")
        }
        return answer
    }

    /// One request through a server of its own, as the SDK's stateless transport expects.
    static func answer(_ request: WireRequest, tools: ClusterTools) async -> WireResponse {
        let transport = StatelessHTTPServerTransport(
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
            ]))
        let server: Server
        do {
            server = try await tools.serve(transport)
        } catch {
            return .text(.internalServerError, "the MCP server did not start")
        }
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name] = value }
        let response = await transport.handleRequest(
            MCP.HTTPRequest(
                method: request.method, headers: headers, body: Data(request.body), path: String(request.path)))
        await server.stop()
        var wire = WireResponse(status: Self.status(response.statusCode))
        for (name, value) in response.headers { wire.headers.set(name, value) }
        if case .stream = response {
            return .text(.internalServerError, "a streamed answer where JSON was asked")
        }
        wire.body = Array(response.bodyData ?? Data())
        return wire
    }

    /// The statuses the SDK's transport answers with.
    static func status(_ code: Int) -> HTTPStatus {
        let known: [HTTPStatus] = [
            .ok, .accepted, .badRequest, .forbidden, .notFound, .methodNotAllowed, .notAcceptable,
            .unsupportedMediaType, .internalServerError,
        ]
        return known.first { $0.code == code } ?? HTTPStatus(code, code < 500 ? "Client Error" : "Server Error")
    }

    static func bearer(_ header: String) -> [UInt8]? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
    }

    /// Equal bytes, in a time that depends on the lengths only, so a guess learns nothing from how long it took.
    static func same(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<expected.count {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
