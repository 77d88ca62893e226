import Foundation
import WallTime

/// Where to put time labels: round times in the chart's zone (every 15 min, hour, 3 h, day…), as many as fit.
enum TimeTicks {
    struct Tick: Equatable {
        var time: Int64
        var label: String
        /// A day boundary: drawn stronger, labelled with the day.
        var major: Bool
    }

    static let steps: [Int64] = [300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800]

    /// Ticks in [from, to] at the smallest round step that gives at most `maximum` of them.
    static func ticks(from: Int64, to: Int64, maximum: Int, timeZone: TimeZone) -> [Tick] {
        guard to > from, maximum > 0 else { return [] }
        let step = steps.first { (to - from) / $0 <= Int64(maximum) } ?? steps.last!
        var ticks: [Tick] = []
        // Round in local time: the offset is the zone's at each tick, so days still start at local midnight after
        // a daylight-saving change.
        var local = from + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(from))))
        local = (local + step - 1) / step * step
        var time = local - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local))))
        while time <= to {
            let clock = WallClock(time, timeZone: timeZone)
            let label = clock.isMidnight || step >= 86_400 ? "\(clock.weekday) \(clock.dayOfMonth)" : clock.hoursMinutes
            ticks.append(Tick(time: time, label: label, major: clock.isMidnight))
            local += step
            time = local - Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local))))
        }
        return ticks
    }
}

/// Numbers for axes: 0, 250, 1.5k, 12k, 1.2M.
enum AxisNumber {
    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
        if magnitude >= 10_000 { return trimmed(value / 1000) + "k" }
        return trimmed(value)
    }

    private static func trimmed(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// A round grid step (1, 2, 2.5 or 5 times a power of ten) giving at most `lines` grid lines up to `value`, and
    /// the axis top it gives: 62 nodes get steps of 20 up to 80, not 100.
    static func grid(upTo value: Double, lines: Int = 5) -> (step: Double, top: Double) {
        guard value > 0 else { return (1, 5) }
        let rough = value / Double(lines)
        let power = pow(10, floor(log10(rough)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        return (step, (value / step).rounded(.up) * step)
    }
}
