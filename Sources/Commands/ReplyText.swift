public import DiscordModels
public import Foundation
import WallTime

/// A message as plain text for a terminal: what `slurmbot render` prints, close to what Discord shows.
///
/// Discord's timestamps (`<t:UNIX:R>`) read as the terminal's zone would show them, relative to `now`.
public enum ReplyText {
    public static func render(
        _ message: MessagePayload, ephemeral: Bool = false, now: Int64 = Int64(Date().timeIntervalSince1970),
        timeZone: TimeZone = .current
    ) -> String {
        let time = { (text: String) in Self.times(in: text, now: now, timeZone: timeZone) }
        var lines: [String] = []
        if ephemeral { lines.append("(only the person who asked sees this)") }
        if let content = message.content { lines.append(time(content)) }
        for embed in message.embeds ?? [] {
            if let title = embed.title { lines.append("■ " + title) }
            if let description = embed.description { lines.append(time(description)) }
            for field in embed.fields ?? [] {
                lines.append("")
                lines.append("▸ " + field.name)
                lines.append(time(field.value))
            }
            if let image = embed.image { lines.append("[image: \(image.url)]") }
            var footer = embed.footer?.text ?? ""
            if let stamp = embed.timestamp, let moment = Self.unixTime(iso8601: stamp) {
                footer += (footer.isEmpty ? "" : " · ") + Self.clock(moment, timeZone)
            }
            if !footer.isEmpty { lines.append("— " + footer) }
        }
        let buttons = (message.components ?? []).flatMap(\.components).map { "[\($0.label)]" }
        if !buttons.isEmpty { lines.append(buttons.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Discord's timestamps in `text` as words: "5 min ago", "in 2 h", "Wed 2026-12-02 14:05 UTC".
    static func times(in text: String, now: Int64, timeZone: TimeZone) -> String {
        DiscordTimestamp.replacing(in: text) { time, style in
            switch style {
            case .relative:
                let seconds = now - time
                if abs(seconds) < 60 { return "just now" }
                return seconds > 0 ? DurationWords.text(seconds) + " ago" : "in " + DurationWords.text(-seconds)
            case .time: return WallClock(time, timeZone: timeZone).hoursMinutes
            case .full, .fullWithWeekday: return Self.clock(time, timeZone)
            }
        }
    }

    private static func clock(_ time: Int64, _ timeZone: TimeZone) -> String {
        let wall = WallClock(time, timeZone: timeZone)
        return "\(wall.weekday) \(wall.isoDate) \(wall.hoursMinutes) \(WallClock.zoneName(timeZone, at: time))"
    }

    /// `2026-12-02T14:05:00Z` (the only shape slurmbot writes) as Unix seconds.
    static func unixTime(iso8601 text: String) -> Int64? {
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int64($0) }
        guard parts.count == 6 else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (Int(parts[0]), Int(parts[1]), Int(parts[2]))
        (components.hour, components.minute, components.second) = (Int(parts[3]), Int(parts[4]), Int(parts[5]))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components).map { Int64($0.timeIntervalSince1970) }
    }
}
