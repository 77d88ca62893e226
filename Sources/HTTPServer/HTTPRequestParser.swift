/// HTTP/1.1 request framing (RFC 9112) as a pure state machine: bytes in, events out, no I/O.
///
/// `feed` appends what the socket read; `next` returns the next event: a whole request (its body de-chunked), a
/// request for more bytes, a note that the client waits for `100 Continue`, or a rejection with the status to answer.
/// After a rejection the connection must be closed: framing is lost. Requests pipelined in one read come out one
/// `next` at a time, in order. Limits are enforced before anything is buffered past them.
public struct HTTPRequestParser: Sendable {
    public struct Limits: Sendable, Hashable {
        /// Request line and header fields together (and a chunked body's trailer fields).
        public var headerBytes: Int
        public var headerCount: Int
        public var bodyBytes: Int

        public init(headerBytes: Int = 16_384, headerCount: Int = 100, bodyBytes: Int = 1 << 20) {
            self.headerBytes = headerBytes
            self.headerCount = headerCount
            self.bodyBytes = bodyBytes
        }
    }

    public enum Event: Sendable, Equatable {
        case needMore
        /// The head is in and the client asked to be told before it sends the body.
        case expectContinue
        case request(HTTPRequest)
        case reject(HTTPStatus, reason: String)
    }

    private enum State: Sendable {
        case head
        case body(HTTPRequest, remaining: Int)
        case chunkSize(HTTPRequest)
        case chunkData(HTTPRequest, remaining: Int)
        case chunkDataEnd(HTTPRequest)
        case trailer(HTTPRequest, bytes: Int)
        case failed
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head
    private var continueSent = false

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes buffered but not yet part of an event (a partial request).
    public var pendingBytes: Int { buffer.count - start }

    /// True between requests: nothing of a next request has arrived yet.
    public var isIdle: Bool { progress == .idle }

    /// Where the current request stands, for choosing which timeout applies.
    public enum Progress: Sendable {
        case idle, head, body
    }

    public var progress: Progress {
        switch state {
        case .head: pendingBytes == 0 ? .idle : .head
        case .failed: .head
        default: .body
        }
    }

    public mutating func feed(_ bytes: some Collection<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func next() -> Event {
        while true {
            switch state {
            case .failed:
                return .reject(.badRequest, reason: "the connection is no longer usable")
            case .head:
                guard let end = headEnd() else {
                    if pendingBytes > limits.headerBytes {
                        return fail(.headerFieldsTooLarge, "the request head is over \(limits.headerBytes) bytes")
                    }
                    return .needMore
                }
                if end.headLength > limits.headerBytes {
                    return fail(.headerFieldsTooLarge, "the request head is over \(limits.headerBytes) bytes")
                }
                let head = buffer[start..<start + end.headLength]
                start += end.consumed
                switch parseHead(head) {
                case .failure(let rejection): return fail(rejection.status, rejection.reason)
                case .success(let framed):
                    continueSent = false
                    state = framed
                    if case .body(let request, 0) = framed {
                        state = .head
                        return .request(request)
                    }
                }
            case .body(var request, let remaining):
                if let event = expectContinue(request) { return event }
                let available = min(remaining, pendingBytes)
                request.body.append(contentsOf: buffer[start..<start + available])
                start += available
                guard available == remaining else {
                    state = .body(request, remaining: remaining - available)
                    return .needMore
                }
                state = .head
                return .request(request)
            case .chunkSize(let request):
                if let event = expectContinue(request) { return event }
                guard let line = nextLine(limit: 1024) else {
                    return pendingBytes > 1024 ? fail(.badRequest, "a chunk size line is too long") : .needMore
                }
                let sizeField = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") && $0 != 9 }
                guard !sizeField.isEmpty, sizeField.count <= 15,
                    let size = Int(String(decoding: sizeField, as: UTF8.self), radix: 16)
                else { return fail(.badRequest, "a chunk size is not a hexadecimal number") }
                if size == 0 {
                    state = .trailer(request, bytes: 0)
                } else if request.body.count + size > limits.bodyBytes {
                    return fail(.contentTooLarge, "the body is over \(limits.bodyBytes) bytes")
                } else {
                    state = .chunkData(request, remaining: size)
                }
            case .chunkData(var request, let remaining):
                let available = min(remaining, pendingBytes)
                request.body.append(contentsOf: buffer[start..<start + available])
                start += available
                guard available == remaining else {
                    state = .chunkData(request, remaining: remaining - available)
                    return .needMore
                }
                state = .chunkDataEnd(request)
            case .chunkDataEnd(let request):
                guard pendingBytes >= 1 else { return .needMore }
                if buffer[start] == UInt8(ascii: "\r") {
                    guard pendingBytes >= 2 else { return .needMore }
                    guard buffer[start + 1] == UInt8(ascii: "\n") else {
                        return fail(.badRequest, "a chunk does not end with CRLF")
                    }
                    start += 2
                } else if buffer[start] == UInt8(ascii: "\n") {
                    start += 1
                } else {
                    return fail(.badRequest, "a chunk is longer than its size says")
                }
                state = .chunkSize(request)
            case .trailer(let request, let bytes):
                guard let line = nextLine(limit: limits.headerBytes - bytes) else {
                    return bytes + pendingBytes > limits.headerBytes
                        ? fail(.headerFieldsTooLarge, "the trailer fields are over \(limits.headerBytes) bytes")
                        : .needMore
                }
                if line.isEmpty {
                    state = .head
                    return .request(request)
                }
                state = .trailer(request, bytes: bytes + line.count + 2)
            }
        }
    }

    // MARK: - Pieces

    private mutating func fail(_ status: HTTPStatus, _ reason: String) -> Event {
        state = .failed
        return .reject(status, reason: reason)
    }

    /// The `100 Continue` note, once per request, before its body has started to arrive.
    private mutating func expectContinue(_ request: HTTPRequest) -> Event? {
        guard !continueSent, pendingBytes == 0, request.body.isEmpty,
            request.headers["Expect"].map({ $0.caseInsensitiveEquals("100-continue") }) ?? false
        else { return nil }
        continueSent = true
        return .expectContinue
    }

    /// Where the head ends: its length (without the blank line) and the bytes to consume (with it). Lines may end
    /// in CRLF or a bare LF (RFC 9112 §2.2 lets a server accept both).
    private func headEnd() -> (headLength: Int, consumed: Int)? {
        var index = start
        // Leading empty lines before a request line are ignored (RFC 9112 §2.2).
        while index < buffer.count, buffer[index] == UInt8(ascii: "\r") || buffer[index] == UInt8(ascii: "\n") {
            index += 1
        }
        let limit = min(buffer.count, start + limits.headerBytes + 4)
        while index < limit {
            if buffer[index] == UInt8(ascii: "\n") {
                var next = index + 1
                if next < buffer.count, buffer[next] == UInt8(ascii: "\r") { next += 1 }
                if next < buffer.count, buffer[next] == UInt8(ascii: "\n") {
                    return (index - start, next + 1 - start)
                }
            }
            index += 1
        }
        return nil
    }

    /// One line (without its CR LF), consuming it; nil while it is incomplete or longer than `limit`.
    private mutating func nextLine(limit: Int) -> ArraySlice<UInt8>? {
        let end = min(buffer.count, start + max(0, limit) + 2)
        guard let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var line = buffer[start..<newline]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        start = newline + 1
        return line
    }

    private struct Rejection: Error {
        var status: HTTPStatus
        var reason: String
    }

    /// Reads the request line and fields, and decides how the body is framed.
    private func parseHead(_ head: ArraySlice<UInt8>) -> Result<State, Rejection> {
        var lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0
        }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.first else {
            return .failure(Rejection(status: .badRequest, reason: "no request line"))
        }
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].allSatisfy(Self.isTokenByte),
            parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return .failure(Rejection(status: .badRequest, reason: "a malformed request line")) }
        let versionText = String(decoding: parts[2], as: UTF8.self)
        let version: (major: Int, minor: Int)
        switch versionText {
        case "HTTP/1.1": version = (1, 1)
        case "HTTP/1.0": version = (1, 0)
        case let other where other.hasPrefix("HTTP/") && other.count == 8:
            return .failure(Rejection(status: .versionNotSupported, reason: "\(other) is not supported"))
        default: return .failure(Rejection(status: .badRequest, reason: "a malformed HTTP version"))
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard headers.count < limits.headerCount else {
                return .failure(
                    Rejection(status: .headerFieldsTooLarge, reason: "more than \(limits.headerCount) header fields"))
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[line.startIndex..<colon].allSatisfy(Self.isTokenByte)
            else { return .failure(Rejection(status: .badRequest, reason: "a malformed header field")) }
            let value = line[(colon + 1)...].drop { $0 == 0x20 || $0 == 9 }.reversed().drop { $0 == 0x20 || $0 == 9 }
                .reversed()
            guard value.allSatisfy({ $0 == 9 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .failure(Rejection(status: .badRequest, reason: "a control character in a header value"))
            }
            headers.add(
                String(decoding: line[line.startIndex..<colon], as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        var request = HTTPRequest(
            method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: parts[1], as: UTF8.self),
            version: version, headers: headers)
        if version.minor >= 1 && headers.values("Host").count != 1 {
            return .failure(Rejection(status: .badRequest, reason: "HTTP/1.1 needs exactly one Host field"))
        }
        let encodings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                return .failure(Rejection(status: .badRequest, reason: "both Transfer-Encoding and Content-Length"))
            }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingOWS.asciiLowercased }
            guard codings == ["chunked"] else {
                return .failure(
                    Rejection(
                        status: .notImplemented,
                        reason: "transfer coding \(codings.joined(separator: ", ")) is not supported"))
            }
            return .success(.chunkSize(request))
        }
        let distinct = Set(lengths.flatMap { $0.split(separator: ",") }.map { $0.trimmingOWS })
        guard distinct.count <= 1 else {
            return .failure(Rejection(status: .badRequest, reason: "conflicting Content-Length fields"))
        }
        if let text = distinct.first {
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let length = Int(text)
            else { return .failure(Rejection(status: .badRequest, reason: "Content-Length is not a number")) }
            guard length <= limits.bodyBytes else {
                return .failure(
                    Rejection(status: .contentTooLarge, reason: "the body is over \(limits.bodyBytes) bytes"))
            }
            request.body.reserveCapacity(length)
            return .success(.body(request, remaining: length))
        }
        if ["POST", "PUT", "PATCH"].contains(request.method) {
            return .failure(
                Rejection(status: .lengthRequired, reason: "a \(request.method) needs Content-Length or chunked"))
        }
        return .success(.body(request, remaining: 0))
    }

    /// RFC 9110 token characters: letters, digits and ``!#$%&'*+-.^_`|~``.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
