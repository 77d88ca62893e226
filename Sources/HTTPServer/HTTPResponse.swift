/// A response to write: status, headers and body; the server adds `Content-Length`, `Date` and `Connection`.
public struct HTTPResponse: Sendable, Hashable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A small plain-text response, for errors and probes.
    public static func text(_ status: HTTPStatus, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array((text + "\n").utf8))
    }

    /// The bytes on the wire for HTTP/1.1. `head` leaves the body out (HEAD requests) but keeps its length.
    public func serialized(keepAlive: Bool, date: String, head: Bool = false) -> [UInt8] {
        var text = "HTTP/1.1 \(status.code) \(status.reason)\r\n"
        for (name, value) in headers
        where !name.caseInsensitiveEquals("Content-Length") && !name.caseInsensitiveEquals("Connection") {
            text += "\(name): \(value)\r\n"
        }
        if status.code >= 200 && status.code != 204 && status.code != 304 {
            text += "Content-Length: \(body.count)\r\n"
        }
        text += "Date: \(date)\r\n"
        text += keepAlive ? "" : "Connection: close\r\n"
        text += "\r\n"
        var bytes = Array(text.utf8)
        if !head { bytes += body }
        return bytes
    }
}
