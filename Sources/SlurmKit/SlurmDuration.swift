/// A time limit or elapsed time as Slurm prints it: `D-HH:MM:SS`, `HH:MM:SS`, `MM:SS`, or a word.
public enum SlurmDuration: Sendable, Hashable, CustomStringConvertible {
    case seconds(Int)
    /// `UNLIMITED` or `INFINITE`.
    case unlimited
    /// `N/A`, `NOT_SET`, `INVALID`, `Partition_Limit` and the like: kept verbatim, never guessed.
    case unknown(String)

    public init(parsing text: some StringProtocol) {
        if let fast = SlurmDuration.fastClockSeconds(text.utf8) {
            self = .seconds(fast)
            return
        }
        let trimmed = text.trimmingSpaces()
        switch trimmed {
        case "UNLIMITED", "INFINITE", "infinite", "unlimited": self = .unlimited
        default: self = SlurmDuration.clockSeconds(trimmed).map(SlurmDuration.seconds) ?? .unknown(trimmed)
        }
    }

    /// Seconds, when the duration is finite.
    public var seconds: Int? {
        if case .seconds(let value) = self { value } else { nil }
    }

    /// Slurm's own spelling, so fixtures and the simulated cluster print what Slurm prints.
    public var description: String {
        switch self {
        case .unlimited: "UNLIMITED"
        case .unknown(let text): text
        case .seconds(let total): SlurmDuration.format(total)
        }
    }

    /// `1-02:03:04`, `2:03:04`, `3:04` as squeue prints elapsed times.
    public static func format(_ total: Int) -> String {
        let days = total / 86_400
        let hours = total / 3600 % 24
        let minutes = total / 60 % 60
        let seconds = total % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if days > 0 { return "\(days)-\(two(hours)):\(two(minutes)):\(two(seconds))" }
        if hours > 0 { return "\(hours):\(two(minutes)):\(two(seconds))" }
        return "\(minutes):\(two(seconds))"
    }

    /// `[D-]H:MM:SS` and `M:SS` straight from bytes, the shapes squeue prints; nil for anything else.
    private static func fastClockSeconds<View: Collection<UInt8>>(_ bytes: View) -> Int? {
        var days = 0
        var parts = (0, 0, 0)
        var count = 0
        var current = 0
        var digits = 0
        for byte in bytes {
            if isDigit(byte) {
                current = current &* 10 &+ Int(byte &- 48)
                digits += 1
                if digits > 9 { return nil }
            } else if byte == UInt8(ascii: ":") {
                guard digits > 0, count < 2 else { return nil }
                if count == 0 { parts.0 = current } else { parts.1 = current }
                count += 1
                current = 0
                digits = 0
            } else if byte == UInt8(ascii: "-") {
                guard digits > 0, count == 0, days == 0 else { return nil }
                days = current
                current = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, count >= 1 else { return nil }
        if count == 1 {
            // `M:SS`, or `D-HH:MM` after a day part.
            return days > 0 ? days * 86_400 + parts.0 * 3600 + current * 60 : parts.0 * 60 + current
        }
        parts.2 = current
        return days * 86_400 + parts.0 * 3600 + parts.1 * 60 + parts.2
    }

    private static func clockSeconds(_ text: String) -> Int? {
        var days = 0
        var clock = Substring(text)
        // At most nine digits a part, as in the fast path: more would overflow, and Slurm prints no such time.
        if let dash = text.firstIndex(of: "-") {
            guard text[..<dash].utf8.count <= 9, let d = Int(text[..<dash]), d >= 0 else { return nil }
            days = d
            clock = text[text.index(after: dash)...]
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var values: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.count <= 9, part.utf8.allSatisfy(isDigit), let value = Int(part) else {
                return nil
            }
            values.append(value)
        }
        let seconds: Int
        switch values.count {
        case 3: seconds = values[0] * 3600 + values[1] * 60 + values[2]
        // With a day part, "D-HH" and "D-HH:MM" count hours first, as in sbatch --time.
        case 2: seconds = days > 0 ? values[0] * 3600 + values[1] * 60 : values[0] * 60 + values[1]
        default: seconds = days > 0 ? values[0] * 3600 : values[0] * 60
        }
        return days * 86_400 + seconds
    }
}
