public import HTTPServer
import Synchronization

/// Counters for `/metrics`, in Prometheus' text format: requests by route and status, latency, signature failures,
/// deferred replies in flight, follow-up failures, and what the HTTP server did on its own.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    struct State {
        var requests: [String: [Int: Int]] = [:]
        var latencyCounts = [Int](repeating: 0, count: Metrics.buckets.count)
        var latencySum = 0.0
        var latencyCount = 0
        var signatureFailures = 0
        var deferredInFlight = 0
        var deferredTotal = 0
        var followUpFailures = 0
        var commands: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let server = Mutex<HTTPServer?>(nil)

    public init() {}

    /// The server whose own statistics (connections, rejections, timeouts) join the output.
    public func attach(_ server: HTTPServer) {
        self.server.withLock { $0 = server }
    }

    func request(route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[route, default: [:]][status, default: 0] += 1
            state.latencySum += seconds
            state.latencyCount += 1
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { state.latencyCounts[index] += 1 }
        }
    }

    func signatureFailure() { state.withLock { $0.signatureFailures += 1 } }
    func command(_ name: String) { state.withLock { $0.commands[name, default: 0] += 1 } }
    func followUpFailure() { state.withLock { $0.followUpFailures += 1 } }

    func deferredStarted() {
        state.withLock {
            $0.deferredInFlight += 1
            $0.deferredTotal += 1
        }
    }

    func deferredFinished() { state.withLock { $0.deferredInFlight -= 1 } }

    public func render() -> String {
        let state = self.state.withLock { $0 }
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        metric("slurmbot_http_requests_total", "counter", "Requests answered by the responder, by route and status.")
        for (route, statuses) in state.requests.sorted(by: { $0.key < $1.key }) {
            for (status, count) in statuses.sorted(by: { $0.key < $1.key }) {
                lines.append("slurmbot_http_requests_total{route=\"\(route)\",status=\"\(status)\"} \(count)")
            }
        }
        metric("slurmbot_http_request_duration_seconds", "histogram", "Time from request to response.")
        for (index, bound) in Self.buckets.enumerated() {
            lines.append("slurmbot_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(state.latencyCounts[index])")
        }
        lines.append("slurmbot_http_request_duration_seconds_bucket{le=\"+Inf\"} \(state.latencyCount)")
        lines.append("slurmbot_http_request_duration_seconds_sum \(state.latencySum)")
        lines.append("slurmbot_http_request_duration_seconds_count \(state.latencyCount)")
        metric(
            "slurmbot_signature_failures_total", "counter", "Interactions refused with 401 (missing or bad signature).")
        lines.append("slurmbot_signature_failures_total \(state.signatureFailures)")
        metric("slurmbot_commands_total", "counter", "Slash commands run, by name.")
        for (name, count) in state.commands.sorted(by: { $0.key < $1.key }) {
            lines.append("slurmbot_commands_total{command=\"\(name)\"} \(count)")
        }
        metric("slurmbot_deferred_replies_in_flight", "gauge", "Deferred replies not yet delivered.")
        lines.append("slurmbot_deferred_replies_in_flight \(state.deferredInFlight)")
        metric("slurmbot_deferred_replies_total", "counter", "Replies deferred (slow, or with files).")
        lines.append("slurmbot_deferred_replies_total \(state.deferredTotal)")
        metric("slurmbot_followup_failures_total", "counter", "Deferred replies Discord did not accept.")
        lines.append("slurmbot_followup_failures_total \(state.followUpFailures)")
        if let statistics = server.withLock({ $0?.statistics }) {
            metric("slurmbot_http_connections_open", "gauge", "Open client connections.")
            lines.append("slurmbot_http_connections_open \(statistics.connectionsOpen)")
            metric("slurmbot_http_connections_total", "counter", "Connections accepted.")
            lines.append("slurmbot_http_connections_total \(statistics.connectionsAccepted)")
            metric(
                "slurmbot_http_connections_refused_total", "counter", "Connections answered 503 at the cap, none idle.")
            lines.append("slurmbot_http_connections_refused_total \(statistics.connectionsRefused)")
            metric(
                "slurmbot_http_connections_evicted_total", "counter", "Idle connections closed to make room at the cap."
            )
            lines.append("slurmbot_http_connections_evicted_total \(statistics.connectionsEvicted)")
            metric("slurmbot_http_requests_in_flight", "gauge", "Requests with the responder now.")
            lines.append("slurmbot_http_requests_in_flight \(statistics.requestsInFlight)")
            metric(
                "slurmbot_http_responders_cancelled_total", "counter", "Responders stopped because their client left.")
            lines.append("slurmbot_http_responders_cancelled_total \(statistics.respondersCancelled)")
            metric("slurmbot_http_rejected_total", "counter", "Requests the server refused itself, by status.")
            for (status, count) in statistics.rejectedByStatus.sorted(by: { $0.key < $1.key }) {
                lines.append("slurmbot_http_rejected_total{status=\"\(status)\"} \(count)")
            }
            metric("slurmbot_http_timeouts_total", "counter", "Connections dropped for slow clients.")
            lines.append("slurmbot_http_timeouts_total \(statistics.timeouts)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
