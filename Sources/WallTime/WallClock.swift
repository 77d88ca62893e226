public import Foundation

/// A moment as a wall clock in a zone shows it: weekday, day of the month, hours and minutes.
///
/// Plain arithmetic on the zone's offset at that moment: a DateFormatter costs about a millisecond to create,
/// which was a third of drawing a chart and a fifth of answering `/status`. Charts, embeds and the plain-text
/// status all write times through it.
public struct WallClock: Sendable, Equatable {
    /// Days since 1970-01-01 in local time, and seconds into the local day.
    public let day: Int64
    public let secondOfDay: Int64

    public init(_ time: Int64, timeZone: TimeZone) {
        let local = time + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(time))))
        day = local.floorDivided(by: 86_400)
        secondOfDay = local - day * 86_400
    }

    public var isMidnight: Bool { secondOfDay == 0 }

    /// "Wed"
    public var weekday: String { ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(day.floorModulo(7))] }

    /// The day of the month.
    public var dayOfMonth: Int { civilDate.day }

    /// "2026-11-24"
    public var isoDate: String {
        let (year, month, day) = civilDate
        return String(year) + (month < 10 ? "-0" : "-") + String(month) + (day < 10 ? "-0" : "-") + String(day)
    }

    /// Year, month and day (civil-from-days, proleptic Gregorian).
    var civilDate: (year: Int, month: Int, day: Int) {
        let shifted = day + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1))
    }

    /// The zone as people call it at `time`: "UTC" for UTC under any of its names (Foundation turns "UTC" into the
    /// identifier "GMT"), else its abbreviation then (CET or CEST).
    public static func zoneName(_ timeZone: TimeZone, at time: Int64) -> String {
        if ["GMT", "UTC", "Etc/UTC", "Etc/GMT", "Universal", "Zulu"].contains(timeZone.identifier) { return "UTC" }
        return timeZone.abbreviation(for: Date(timeIntervalSince1970: TimeInterval(time))) ?? timeZone.identifier
    }

    /// "2026-12-02T09:05:07Z": the form Discord's embed timestamp takes, which it shows in each reader's zone.
    public static func iso8601(_ time: Int64) -> String {
        let wall = WallClock(time, timeZone: TimeZone(identifier: "UTC")!)
        let seconds = wall.secondOfDay % 60
        return wall.isoDate + "T" + wall.hoursMinutes + (seconds < 10 ? ":0" : ":") + String(seconds) + "Z"
    }

    /// "09:05"
    public var hoursMinutes: String {
        let hours = secondOfDay / 3600
        let minutes = secondOfDay / 60 % 60
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Int64) -> Int64 { self - floorDivided(by: divisor) * divisor }
}
