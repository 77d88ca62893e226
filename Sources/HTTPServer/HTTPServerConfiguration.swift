public import CoreMetrics

/// Where the server listens, how much it lets a client get away with, and where it records what it did.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 address (`127.0.0.1`, `::`, `::1`).
    public var host: String
    /// 0 picks a free port (tests); `HTTPServer.port` tells which.
    public var port: Int
    public var limits: HTTPRequestParser.Limits
    /// From accepting a connection to its first byte: sockets opened only to hold a place are dropped quickly.
    public var firstByteTimeout: Duration
    /// From a request's first byte to the end of its head: a slow client sending headers a byte at a time gets 408.
    public var headerTimeout: Duration
    /// From the end of the head to the end of the body.
    public var bodyTimeout: Duration
    /// How long a kept-alive connection may wait for its next request (closed quietly after).
    public var idleTimeout: Duration
    /// How long a client may take to read a response.
    public var writeTimeout: Duration
    /// How long the client's leftovers are drained after the last response before the socket closes.
    public var lingerTimeout: Duration
    /// At the cap, a new connection takes the place of the connection idle the longest; when none is idle, it
    /// gets a 503 and is closed.
    public var maxConnections: Int
    /// Requests with the responder at once; beyond, a request gets a 503 with `Retry-After`.
    public var maxRequestsInFlight: Int
    /// Bytes read from one connection per readiness event, so one busy client cannot hold the loop from the rest.
    public var readBudget: Int
    /// Where connections, rejections and timeouts are counted (swift-metrics); the process-wide factory by default.
    public var metrics: any MetricsFactory

    public init(
        host: String = "127.0.0.1", port: Int = 8080, limits: HTTPRequestParser.Limits = .init(),
        firstByteTimeout: Duration = .seconds(5), headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
        writeTimeout: Duration = .seconds(10), lingerTimeout: Duration = .seconds(1), maxConnections: Int = 4096,
        maxRequestsInFlight: Int = 1024, readBudget: Int = 8_192, metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.metrics = metrics
        self.host = host
        self.port = port
        self.limits = limits
        self.firstByteTimeout = firstByteTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.lingerTimeout = lingerTimeout
        self.maxConnections = maxConnections
        self.maxRequestsInFlight = maxRequestsInFlight
        self.readBudget = readBudget
    }

    var timeouts: ConnectionStateMachine.Timeouts {
        .init(
            firstByte: firstByteTimeout, header: headerTimeout, body: bodyTimeout, idle: idleTimeout,
            write: writeTimeout, linger: lingerTimeout)
    }
}
