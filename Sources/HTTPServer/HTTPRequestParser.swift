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

    /// Where framing stands. The request being read lives in `request` and its body in `body`, not in the cases:
    /// an array inside an enum's payload is copied each time the case is rebuilt, which made a body of many small
    /// chunks cost time quadratic in their number.
    private enum State: Sendable {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailer(bytes: Int)
        case failed
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head
    private var continueSent = false
    /// The head of the request whose body is being read (its `body` stays empty until the request is complete).
    private var request = HTTPRequest(method: "", target: "")
    private var body: [UInt8] = []
    /// How far past `start` the search for the end of the head has already looked, so a head arriving a byte at a
    /// time is scanned once, not once per byte.
    private var headScanned = 0

    /// The longest chunk size accepted, in hexadecimal digits after leading zeros: 15 digits stay below 2^60, so
    /// no sum overflows, and the body limit refuses anything that large long before.
    static let maxChunkSizeDigits = 15

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
                headScanned = 0
                switch parseHead(head) {
                case .failure(let rejection): return fail(rejection.status, rejection.reason)
                case .success(let (parsed, framed)):
                    continueSent = false
                    request = parsed
                    body = []
                    state = framed
                    if case .body(0) = framed { return complete() }
                    if case .body(let length) = framed { body.reserveCapacity(length) }
                }
            case .body(let remaining):
                if let event = expectContinue() { return event }
                let available = min(remaining, pendingBytes)
                body.append(contentsOf: buffer[start..<start + available])
                start += available
                guard available == remaining else {
                    state = .body(remaining: remaining - available)
                    return .needMore
                }
                return complete()
            case .chunkSize:
                if let event = expectContinue() { return event }
                guard let lineEnd = lineEnd(limit: 1024) else {
                    return pendingBytes > 1024 ? fail(.badRequest, "a chunk size line is too long") : .needMore
                }
                let size = buffer.withUnsafeBufferPointer { Self.chunkSize($0[start..<lineEnd.content]) }
                start = lineEnd.next
                guard let size else { return fail(.badRequest, "a chunk size is not a hexadecimal number") }
                if size == 0 {
                    state = .trailer(bytes: 0)
                } else if body.count + size > limits.bodyBytes {
                    return fail(.contentTooLarge, "the body is over \(limits.bodyBytes) bytes")
                } else {
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, pendingBytes)
                body.append(contentsOf: buffer[start..<start + available])
                start += available
                guard available == remaining else {
                    state = .chunkData(remaining: remaining - available)
                    return .needMore
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
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
                state = .chunkSize
            case .trailer(let bytes):
                guard let line = nextLine(limit: limits.headerBytes - bytes) else {
                    return bytes + pendingBytes > limits.headerBytes
                        ? fail(.headerFieldsTooLarge, "the trailer fields are over \(limits.headerBytes) bytes")
                        : .needMore
                }
                if line.isEmpty { return complete() }
                state = .trailer(bytes: bytes + line.count + 2)
            }
        }
    }

    // MARK: - Pieces

    /// The request read so far, with its body, as an event; the parser is ready for the next head.
    private mutating func complete() -> Event {
        var finished = request
        finished.body = body
        body = []
        request = HTTPRequest(method: "", target: "")
        state = .head
        return .request(finished)
    }

    /// A chunk-size line's size (RFC 9112 §7.1): hexadecimal digits only, then optional whitespace and extensions
    /// after `;`. Nil for anything else: a sign, a `0x`, inner spaces, or more digits than `maxChunkSizeDigits`.
    /// Plain index loops: this runs once per chunk, and a body may be hundreds of thousands of tiny chunks.
    static func chunkSize(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var end = line.startIndex
        while end < line.endIndex, line[end] != UInt8(ascii: ";") { end += 1 }
        while end > line.startIndex, line[end - 1] == 0x20 || line[end - 1] == 9 { end -= 1 }
        guard end > line.startIndex else { return nil }
        var size = 0
        var digits = 0
        for index in line.startIndex..<end {
            guard let value = hexValue(line[index]) else { return nil }
            if digits > 0 || value > 0 { digits += 1 }
            guard digits <= maxChunkSizeDigits else { return nil }
            size = size << 4 | Int(value)
        }
        return size
    }

    /// For tests: the size a chunk-size line gives.
    static func chunkSize(_ line: [UInt8]) -> Int? {
        line.withUnsafeBufferPointer { chunkSize($0[...]) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private mutating func fail(_ status: HTTPStatus, _ reason: String) -> Event {
        state = .failed
        return .reject(status, reason: reason)
    }

    /// The `100 Continue` note, once per request, before its body has started to arrive.
    private mutating func expectContinue() -> Event? {
        guard !continueSent, pendingBytes == 0, body.isEmpty,
            request.headers["Expect"].map({ $0.caseInsensitiveEquals("100-continue") }) ?? false
        else { return nil }
        continueSent = true
        return .expectContinue
    }

    /// Where the head ends: its length (without the blank line) and the bytes to consume (with it). Lines may end
    /// in CRLF or a bare LF (RFC 9112 §2.2 lets a server accept both).
    private mutating func headEnd() -> (headLength: Int, consumed: Int)? {
        var index = start
        // Leading empty lines before a request line are ignored (RFC 9112 §2.2).
        while index < buffer.count, buffer[index] == UInt8(ascii: "\r") || buffer[index] == UInt8(ascii: "\n") {
            index += 1
        }
        // Resume where the last search stopped, less the two bytes an end split across reads may begin with.
        index = max(index, start + headScanned - 2)
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
        headScanned = index - start
        return nil
    }

    /// Where the line at `start` ends: its content (without CR LF) and the start of the next; nil while it is
    /// incomplete or longer than `limit`.
    private func lineEnd(limit: Int) -> (content: Int, next: Int)? {
        let end = min(buffer.count, start + max(0, limit) + 2)
        return buffer.withUnsafeBufferPointer { bytes in
            var index = start
            while index < end {
                if bytes[index] == UInt8(ascii: "\n") {
                    let content = index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                    return (content, index + 1)
                }
                index += 1
            }
            return nil
        }
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
    private func parseHead(_ head: ArraySlice<UInt8>) -> Result<(HTTPRequest, State), Rejection> {
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
        let request = HTTPRequest(
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
            return .success((request, .chunkSize))
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
            return .success((request, .body(remaining: length)))
        }
        if ["POST", "PUT", "PATCH"].contains(request.method) {
            return .failure(
                Rejection(status: .lengthRequired, reason: "a \(request.method) needs Content-Length or chunked"))
        }
        return .success((request, .body(remaining: 0)))
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
