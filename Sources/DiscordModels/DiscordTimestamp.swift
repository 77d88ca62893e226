/// A moment written the way Discord shows it in each reader's own zone and language: `<t:UNIX:R>` reads
/// "5 minutes ago" and stays true as the message ages; `<t:UNIX:f>` reads "2 December 2026 14:05" where the reader
/// lives. Every time a reply shows goes through here, so nobody has to convert from the server's zone.
public enum DiscordTimestamp {
    public enum Style: String, Sendable {
        /// "5 minutes ago", "in 2 hours"
        case relative = "R"
        /// "2 December 2026 14:05"
        case full = "f"
        /// "14:05"
        case time = "t"
        /// "Wednesday, 2 December 2026 14:05"
        case fullWithWeekday = "F"
    }

    public static func markup(_ time: Int64, _ style: Style) -> String {
        "<t:\(time):\(style.rawValue)>"
    }

    /// "<t:…:f> (<t:…:R>)": the moment and how long ago (or ahead) it is.
    public static func moment(_ time: Int64) -> String {
        markup(time, .full) + " (" + markup(time, .relative) + ")"
    }

    /// Each `<t:UNIX:STYLE>` in `text`, and what it should read as, for front ends that are not Discord (the
    /// terminal's `slurmbot render`, the screenshots' page).
    public static func replacing(in text: String, with render: (Int64, Style) -> String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard after.hasPrefix("t:"), let close = after.firstIndex(of: ">") else {
                result += "<"
                rest = after
                continue
            }
            let body = after[after.index(after.startIndex, offsetBy: 2)..<close].split(
                separator: ":", omittingEmptySubsequences: false)
            if (1...2).contains(body.count), let time = Int64(body[0]),
                let style = body.count == 2 ? Style(rawValue: String(body[1])) : .full
            {
                result += render(time, style)
                rest = after[after.index(after: close)...]
            } else {
                result += "<"
                rest = after
            }
        }
        return result + rest
    }
}
