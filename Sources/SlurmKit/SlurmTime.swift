/// Reads Slurm's local wall-clock timestamps (`2026-11-24T19:40:17`) into Unix seconds.
///
/// Slurm prints times in the head node's zone with no offset, so the poll also asks the head for its UTC offset
/// (`date +%z`) and every timestamp is converted with it. Written by hand because `DateFormatter` is far too slow
/// for 50,000 jobs a poll.
public struct SlurmClock: Sendable, Hashable {
    /// Seconds east of UTC of the head node's zone at poll time.
    public var utcOffset: Int

    public init(utcOffset: Int) {
        self.utcOffset = utcOffset
    }

    /// Parses an offset as `date +%z` prints it (`+0100`, `-0530`).
    public init?(offsetText: String) {
        let bytes = Array(offsetText.trimmingSpaces().utf8)
        guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[1...].allSatisfy(isDigit)
        else { return nil }
        let hours = Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
        let minutes = Int(bytes[3] - 48) * 10 + Int(bytes[4] - 48)
        let sign = bytes[0] == UInt8(ascii: "-") ? -1 : 1
        self.utcOffset = sign * (hours * 3600 + minutes * 60)
    }

    /// Unix seconds for a Slurm timestamp, or nil for `N/A`, `Unknown`, `None`, `(null)` and anything unreadable.
    public func seconds(_ text: some StringProtocol) -> Int64? {
        var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        for byte in text.utf8 {
            guard count < 19 else { return nil }
            switch count / 8 {
            case 0: bytes.0 |= UInt64(byte) << (8 * UInt64(count % 8))
            case 1: bytes.1 |= UInt64(byte) << (8 * UInt64(count % 8))
            default: bytes.2 |= UInt64(byte) << (8 * UInt64(count % 8))
            }
            count += 1
        }
        guard count == 19 else { return nil }
        return seconds(fixed: bytes)
    }

    /// The 19 bytes of `YYYY-MM-DDTHH:MM:SS`, packed little-endian into three words (no heap allocation).
    private func seconds(fixed packed: (UInt64, UInt64, UInt64)) -> Int64? {
        let bytes = SlurmClock.Bytes(packed)
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                guard isDigit(bytes[i]) else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(utcOffset)
    }

    private struct Bytes {
        let words: (UInt64, UInt64, UInt64)

        init(_ words: (UInt64, UInt64, UInt64)) {
            self.words = words
        }

        subscript(index: Int) -> UInt8 {
            let word = index < 8 ? words.0 : index < 16 ? words.1 : words.2
            return UInt8(truncatingIfNeeded: word >> (8 * UInt64(index % 8)))
        }
    }

    /// Formats Unix seconds as Slurm prints them in this zone; the simulated cluster and fixtures use it.
    public func format(_ seconds: Int64) -> String {
        let local = seconds + Int64(utcOffset)
        let days = Int(floorDiv(local, 86_400))
        let secondOfDay = Int(local - Int64(days) * 86_400)
        let (year, month, day) = civilFromDays(days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

func civilFromDays(_ days: Int) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
}
