/// One `scontrol show … -o` line split into its `Key=Value` fields.
///
/// Values may contain spaces (`OS=Linux 6.1 #1 SMP`, `Reason=bad DIMM [root@2026-11-24T19:40:17]`): a field runs
/// until the next space-separated token that looks like `Key=`. A `Reason=` runs to its `[user@time]` stamp when
/// there is one, so a reason containing `=` stays whole. Values are slices of the line, spaces inside kept as
/// printed; the line is scanned byte by byte once.
public struct ScontrolRecord: Sendable {
    private var fields: [ByteKey: Substring] = [:]
    private var tokens: [(start: String.Index, equals: String.Index?, end: String.Index)] = []

    public init(line: String) {
        self.init(line: Substring(line))
    }

    public init(line: Substring) {
        load(line)
    }

    /// An empty record whose storage `load(_:)` reuses line after line: no allocation per node on big clusters.
    init() {
        fields.reserveCapacity(64)
        tokens.reserveCapacity(64)
    }

    /// Replaces the fields with those of `line`, keeping the storage.
    mutating func load(_ line: Substring) {
        fields.removeAll(keepingCapacity: true)
        tokens.removeAll(keepingCapacity: true)
        let view = line.utf8
        var index = view.startIndex
        while index < view.endIndex {
            while index < view.endIndex && view[index] == 0x20 { index = view.index(after: index) }
            guard index < view.endIndex else { break }
            let start = index
            var equals: String.Index?
            while index < view.endIndex && view[index] != 0x20 {
                if equals == nil && view[index] == UInt8(ascii: "=") { equals = index }
                index = view.index(after: index)
            }
            tokens.append((start, equals, index))
        }
        var current: (key: Substring, valueStart: String.Index, valueEnd: String.Index)?
        var position = 0
        while position < tokens.count {
            let token = tokens[position]
            if let equals = token.equals, ScontrolRecord.isKey(line[token.start..<equals]) {
                if let open = current { fields[ByteKey(open.key)] = line[open.valueStart..<open.valueEnd] }
                let key = line[token.start..<equals]
                var end = token.end
                if key.bytesEqual("Reason"), let stamp = reasonStampEnd(line, from: position) {
                    end = tokens[stamp].end
                    position = stamp
                }
                current = (key, view.index(after: equals), end)
            } else if current != nil {
                current!.valueEnd = token.end
            }
            position += 1
        }
        if let open = current { fields[ByteKey(open.key)] = line[open.valueStart..<open.valueEnd] }
    }

    public subscript(key: Substring) -> Substring? {
        fields[ByteKey(key)]
    }

    /// A value, with Slurm's words for "nothing" (`(null)`, `N/A`, `None`, `n/a`, empty) as nil.
    public func present(_ key: Substring) -> Substring? {
        guard let value = fields[ByteKey(key)] else { return nil }
        if value.isSlurmNothing || value.bytesEqual("n/a") || value.bytesEqual("Unknown") || value.bytesEqual("n/s") {
            return nil
        }
        return value
    }

    public func int(_ key: Substring) -> Int? {
        guard let value = fields[ByteKey(key)] else { return nil }
        return decimal(value.utf8)
    }

    static func isKey(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, isLetter(first) else { return false }
        return text.utf8.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/")
        }
    }

    private func reasonStampEnd(_ line: Substring, from start: Int) -> Int? {
        for i in start..<tokens.count {
            let token = line[tokens[i].start..<tokens[i].end]
            if token.utf8.last == UInt8(ascii: "]"), let open = token.lastIndex(of: "["), token[open...].contains("@") {
                return i
            }
        }
        return nil
    }
}

@inline(__always)
func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
}
