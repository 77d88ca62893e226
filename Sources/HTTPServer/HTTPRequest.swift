/// One parsed HTTP/1.x request, with its body exactly as it came (bytes, never decoded): signature checks need it raw.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    /// The request target as sent: `/interactions?x=1`.
    public var target: String
    /// HTTP/1.0 or HTTP/1.1, as (1, 0) or (1, 1).
    public var version: (major: Int, minor: Int)
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: String, target: String, version: (major: Int, minor: Int) = (1, 1), headers: HTTPHeaders = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The path part of the target, without the query.
    public var path: Substring {
        target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }

    /// Whether the client wants the connection kept after this request (RFC 9112 §9.3).
    public var keepAlive: Bool {
        let tokens = headers.values("Connection").flatMap { $0.split(separator: ",") }.map {
            $0.trimmingOWS.asciiLowercased
        }
        if tokens.contains("close") { return false }
        return version.minor >= 1 || tokens.contains("keep-alive")
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers == rhs.headers && lhs.body == rhs.body
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(target)
        hasher.combine(body)
    }
}
