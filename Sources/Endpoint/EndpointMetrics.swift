import CoreMetrics
import Metrics
public import Prometheus

/// What the endpoint counts, through swift-metrics: requests by route and status, their latency, signature
/// failures, commands by name, deferred replies in flight and delivered, follow-ups Discord refused.
///
/// The HTTP server counts its own connections and rejections into the same registry (given the same factory), so
/// `/metrics` shows both without either reading the other's internals.
public final class EndpointMetrics: Sendable {
    /// Where the numbers are kept and rendered from, in Prometheus' text format.
    public let registry: PrometheusCollectorRegistry
    /// The factory both the endpoint and the HTTP server record through.
    public let factory: PrometheusMetricsFactory

    private let signatureFailures: CoreMetrics.Counter
    private let deferredInFlight: CoreMetrics.Meter
    private let deferredTotal: CoreMetrics.Counter
    private let followUpFailures: CoreMetrics.Counter
    private let latency: CoreMetrics.Timer

    /// Latency buckets from 1 ms (a PING) to 5 s (past Discord's deadline).
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2_500), .seconds(5),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["slurmbot_http_request_duration_seconds"] = Self.latencyBuckets
        self.factory = factory
        signatureFailures = CoreMetrics.Counter(label: "slurmbot_signature_failures_total", factory: factory)
        deferredInFlight = CoreMetrics.Meter(label: "slurmbot_deferred_replies_in_flight", factory: factory)
        deferredTotal = CoreMetrics.Counter(label: "slurmbot_deferred_replies_total", factory: factory)
        followUpFailures = CoreMetrics.Counter(label: "slurmbot_followup_failures_total", factory: factory)
        latency = CoreMetrics.Timer(label: "slurmbot_http_request_duration_seconds", factory: factory)
    }

    func request(route: String, status: Int, duration: Duration) {
        CoreMetrics.Counter(
            label: "slurmbot_http_requests_total", dimensions: [("route", route), ("status", "\(status)")],
            factory: factory
        ).increment()
        latency.record(duration: duration)
    }

    func signatureFailure() { signatureFailures.increment() }

    /// `name` is always a command of the table (or one with " (refresh)"), never text a user typed.
    func command(_ name: String) {
        CoreMetrics.Counter(label: "slurmbot_commands_total", dimensions: [("command", name)], factory: factory)
            .increment()
    }

    func followUpFailure() { followUpFailures.increment() }

    func deferredStarted() {
        deferredInFlight.increment()
        deferredTotal.increment()
    }

    func deferredFinished() { deferredInFlight.decrement() }

    /// Everything recorded in the registry, in Prometheus' text format.
    public func render() -> String { registry.emitToString() }
}
