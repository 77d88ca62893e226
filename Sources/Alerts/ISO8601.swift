import SlurmKit

/// `2026-11-25T19:42:00Z` from Unix seconds: the embed timestamp, which Discord shows in each reader's own time zone.
enum ISO8601 {
    static func string(_ time: Int64) -> String {
        SlurmClock(utcOffset: 0).format(time) + "Z"
    }
}
