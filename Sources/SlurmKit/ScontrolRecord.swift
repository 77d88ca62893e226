/// One `scontrol show … -o` line split into its `Key=Value` fields.
///
/// Values may contain spaces (`OS=Linux 6.1 #1 SMP`, `Reason=bad DIMM [root@2026-11-24T19:40:17]`): a field runs
/// until the next space-separated token that looks like `Key=`. A `Reason=` runs to its `[user@time]` stamp when
/// there is one, so a reason containing `=` stays whole.
public struct ScontrolRecord: Sendable {
    public private(set) var fields: [String: String] = [:]
    /// Keys in the order Slurm printed them.
    public private(set) var keys: [String] = []

    public init(line: String) {
        self.init(line: Substring(line))
    }

    public init(line: Substring) {
        let tokens = line.split(separator: " ", omittingEmptySubsequences: true)
        var index = 0
        var currentKey: String?
        var currentValue: [Substring] = []
        func flush() {
            if let key = currentKey {
                if fields[key] == nil { keys.append(key) }
                fields[key] = currentValue.joined(separator: " ")
            }
        }
        while index < tokens.count {
            let token = tokens[index]
            if let equals = token.firstIndex(of: "="), ScontrolRecord.isKey(token[..<equals]) {
                flush()
                let key = String(token[..<equals])
                currentKey = key
                currentValue = [token[token.index(after: equals)...]]
                if key == "Reason", let stampEnd = ScontrolRecord.reasonStampEnd(tokens, from: index) {
                    currentValue.append(contentsOf: tokens[(index + 1)...stampEnd])
                    index = stampEnd
                }
            } else if currentKey != nil {
                currentValue.append(token)
            }
            index += 1
        }
        flush()
    }

    public subscript(key: String) -> String? {
        fields[key]
    }

    /// A value, with Slurm's words for "nothing" (`(null)`, `N/A`, `None`, `n/a`, empty) as nil.
    public func present(_ key: String) -> String? {
        guard let value = fields[key] else { return nil }
        switch value {
        case "", "(null)", "N/A", "n/a", "None", "Unknown", "n/s": return nil
        default: return value
        }
    }

    public func int(_ key: String) -> Int? {
        present(key).flatMap { Int($0) }
    }

    static func isKey(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, isLetter(first) else { return false }
        return text.utf8.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/")
        }
    }

    private static func reasonStampEnd(_ tokens: [Substring], from start: Int) -> Int? {
        for i in start..<tokens.count {
            let token = tokens[i]
            if token.hasSuffix("]"), let open = token.lastIndex(of: "["), token[open...].contains("@") {
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
