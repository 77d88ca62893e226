import CoreMetrics
import Synchronization

/// What the server does on its own, before or beside the responder, counted twice over in one place: as
/// `HTTPServerStatistics` (read by the server's own tests and `statistics`) and through swift-metrics, for whoever
/// renders `/metrics` from the factory in the configuration.
final class ServerCounters: Sendable {
    private let statistics = Mutex(HTTPServerStatistics())
    private let factory: any MetricsFactory
    private let accepted: Counter
    private let open: Gauge
    private let refused: Counter
    private let evicted: Counter
    private let inFlight: Gauge
    private let cancelled: Counter
    private let timeouts: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        accepted = Counter(label: "slurmbot_http_connections_total", factory: factory)
        open = Gauge(label: "slurmbot_http_connections_open", factory: factory)
        refused = Counter(label: "slurmbot_http_connections_refused_total", factory: factory)
        evicted = Counter(label: "slurmbot_http_connections_evicted_total", factory: factory)
        inFlight = Gauge(label: "slurmbot_http_requests_in_flight", factory: factory)
        cancelled = Counter(label: "slurmbot_http_responders_cancelled_total", factory: factory)
        timeouts = Counter(label: "slurmbot_http_timeouts_total", factory: factory)
    }

    var snapshot: HTTPServerStatistics { statistics.withLock { $0 } }

    func connectionAccepted() {
        statistics.withLock { $0.connectionsAccepted += 1 }
        accepted.increment()
    }

    /// Turned away with 503 at the cap, none idle.
    func connectionRefused() {
        statistics.withLock { $0.connectionsRefused += 1 }
        refused.increment()
    }

    /// Closed to make room at the cap.
    func connectionEvicted() {
        statistics.withLock { $0.connectionsEvicted += 1 }
        evicted.increment()
    }

    func connectionsOpen(_ count: Int) {
        statistics.withLock { $0.connectionsOpen = count }
        open.record(count)
    }

    func requestsInFlight(_ count: Int) {
        statistics.withLock { $0.requestsInFlight = count }
        inFlight.record(count)
    }

    /// A responder stopped because its client left.
    func responderCancelled() {
        statistics.withLock { $0.respondersCancelled += 1 }
        cancelled.increment()
    }

    /// A request the server answered itself (malformed, too large, too slow, too many in flight).
    func rejected(status: Int) {
        statistics.withLock { $0.rejectedByStatus[status, default: 0] += 1 }
        Counter(label: "slurmbot_http_rejected_total", dimensions: [("status", "\(status)")], factory: factory)
            .increment()
    }

    /// A connection dropped because its client was too slow to send or to read.
    func timedOut() {
        statistics.withLock { $0.timeouts += 1 }
        timeouts.increment()
    }
}
