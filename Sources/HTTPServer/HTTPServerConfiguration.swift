/// Where the server listens and how much it lets a client get away with.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 address (`127.0.0.1`, `::`, `::1`).
    public var host: String
    /// 0 picks a free port (tests); `HTTPServer.port` tells which.
    public var port: Int
    public var limits: HTTPRequestParser.Limits
    /// From a request's first byte to the end of its head: a slow client sending headers a byte at a time gets 408.
    public var headerTimeout: Duration
    /// From the end of the head to the end of the body.
    public var bodyTimeout: Duration
    /// How long a kept-alive connection may wait for its next request (closed quietly after).
    public var idleTimeout: Duration
    /// How long a client may take to read a response.
    public var writeTimeout: Duration
    /// Connections beyond this get a 503 and are closed at once.
    public var maxConnections: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, limits: HTTPRequestParser.Limits = .init(),
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        writeTimeout: Duration = .seconds(10), maxConnections: Int = 4096
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
    }
}
