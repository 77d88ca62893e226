import Analyst
import Foundation
public import HTTPClient

/// Sends a model's request with retries: 429, 500, 503 and 504 are tried again after a backoff (or the server's
/// `Retry-After`) while the deadline allows; 400, 403, 404 and the rest are final, since sending the same request
/// again cannot change them.
public struct ModelTransport: Sendable {
    public let client: HTTPClient
    /// The first wait; each retry doubles it.
    public var backoff: Duration

    public init(
        client: HTTPClient = HTTPClient(userAgent: "slurmbot-analyst", concurrentTransfers: 4),
        backoff: Duration = .milliseconds(500)
    ) {
        self.client = client
        self.backoff = backoff
    }

    static let retried: Set<Int> = [429, 500, 503, 504]

    func send(
        _ url: String, headers: [(name: String, value: String)], body: JSONValue, deadline: ContinuousClock.Instant
    )
        async throws(ModelError) -> JSONValue
    {
        var wait = backoff
        // What the last attempt got, so running out of time while retrying says why it retried.
        var last: ModelError?
        while true {
            let left = deadline - .now
            guard left > .milliseconds(50) else { throw last ?? .timedOut }
            let request = HTTPClientRequest(
                method: "POST", url: url, headers: headers + [("Content-Type", "application/json")],
                body: Array(body.text.utf8), timeout: left)
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request)
            } catch {
                throw ContinuousClock.now >= deadline - .milliseconds(50)
                    ? (last ?? .timedOut) : .transport(error.description)
            }
            let json = JSONValue.parse(String(decoding: response.body, as: UTF8.self))
            if response.status == 200 {
                guard let json else { throw .malformed("the body is not JSON") }
                return json
            }
            let message = Self.errorMessage(json)
            guard Self.retried.contains(response.status) else { throw .http(response.status, message) }
            let asked = response.headers["retry-after"].flatMap(Double.init).map {
                Duration.milliseconds(Int($0 * 1000))
            }
            let pause = min(asked ?? wait, .seconds(10))
            guard ContinuousClock.now + pause < deadline else { throw .http(response.status, message) }
            last = .http(response.status, message)
            try? await Task.sleep(for: pause)
            wait *= 2
        }
    }

    /// The API's own error message (both APIs put it at `error.message`), cut short; never the request.
    static func errorMessage(_ json: JSONValue?) -> String {
        String((json?["error"]?["message"]?.string ?? "").prefix(200))
    }
}
