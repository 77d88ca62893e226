internal import CCurl
import Foundation
import Threads

/// An HTTP request to send: method, absolute URL, fields and body.
public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange, connecting included.
    public var timeout: Duration

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(15)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Field names lowercased; the last value of a repeated field wins.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A request that got no HTTP answer at all: libcurl's code and its own message (no body, no credentials).
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var description: String { "HTTP request failed: \(message) (curl \(code))" }
}

/// HTTP over libcurl's easy interface, on a fixed set of threads of the client's own (never the cooperative pool,
/// nor GCD's global queues, which share its threads on Linux); http and https only, no redirects followed, no
/// signals. Copies share their idle handles and their threads.
///
/// The threads are fixed in number so a peer that stops answering costs waiting requests, not threads: with one
/// thread per transfer, deferred replies to an unreachable Discord once took the server to 160 threads. Each
/// client has threads of its own, so a hung service (an LLM, say) never holds up another's requests.
public struct HTTPClient: Sendable {
    public let userAgent: String
    private let pool: HandlePool
    private let transfers: WorkerPool

    /// - Parameters:
    ///   - idleHandles: how many handles (each with its open connections) wait for the next request.
    ///   - concurrentTransfers: requests in flight at once; more wait their turn.
    public init(userAgent: String, idleHandles: Int = 4, concurrentTransfers: Int = 8) {
        CurlLibrary.initialize()
        self.userAgent = userAgent
        self.pool = HandlePool(capacity: idleHandles)
        self.transfers = WorkerPool(threads: max(1, concurrentTransfers), name: "slurmbot-http-client")
    }

    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let userAgent = self.userAgent
        let pool = self.pool
        return try await transfers.run { () throws(HTTPClientError) in
            try EasyTransfer.perform(request, userAgent: userAgent, pool: pool)
        }
    }
}

/// One request on a pooled easy handle, which goes back to the pool when the transfer is done.
private final class EasyTransfer {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var body: [UInt8] = []
    private var responseHeaders: [String: String] = [:]

    private init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    static func perform(
        _ request: HTTPClientRequest, userAgent: String, pool: HandlePool
    ) throws(HTTPClientError) -> HTTPClientResponse {
        guard let handle = pool.take() else { throw HTTPClientError(code: -1, message: "curl_easy_init failed") }
        defer { pool.giveBack(handle) }
        return try EasyTransfer(handle: handle.pointer).run(request, userAgent: userAgent)
    }

    private func run(_ request: HTTPClientRequest, userAgent: String) throws(HTTPClientError) -> HTTPClientResponse {
        let milliseconds = Int(
            max(
                1,
                request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds
                    / 1_000_000_000_000_000))
        ccurl_set_string(handle, CURLOPT_URL, request.url)
        ccurl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        ccurl_set_string(handle, CURLOPT_USERAGENT, userAgent)
        ccurl_set_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_set_long(handle, CURLOPT_TIMEOUT_MS, milliseconds)
        ccurl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000))
        // No "Expect: 100-continue" round trip for bodies: Discord answers at once.
        for (name, value) in request.headers + [("Expect", "")] {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        ccurl_set_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
        let context = Unmanaged.passUnretained(self).toOpaque()
        ccurl_set_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue()
            let bytes = size * count
            if let data { transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: bytes)) }
            return bytes
        }
        ccurl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        ccurl_set_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<EasyTransfer>.fromOpaque(context!).takeUnretainedValue()
            let bytes = size * count
            guard let data else { return bytes }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: bytes), as: UTF8.self)
            if line.hasPrefix("HTTP/") { transfer.responseHeaders = [:] }
            if let colon = line.firstIndex(of: ":") {
                transfer.responseHeaders[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return bytes
        }
        ccurl_set_pointer(handle, CURLOPT_HEADERDATA, context)
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            // libcurl copies the body (COPYPOSTFIELDS), so it never reads memory this function no longer owns.
            ccurl_set_size(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            if request.body.isEmpty {
                ccurl_set_string(handle, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                request.body.withUnsafeBytes { bytes in
                    _ = ccurl_set_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                }
            }
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            throw HTTPClientError(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        ccurl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPClientResponse(status: status, headers: responseHeaders, body: body)
    }
}

/// libcurl's global setup, once, before the first handle.
private enum CurlLibrary {
    private static let ready: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func initialize() {
        precondition(ready, "curl_global_init failed")
    }
}
