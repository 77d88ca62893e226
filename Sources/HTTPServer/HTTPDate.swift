#if canImport(Glibc)
    import Glibc
#endif

/// The IMF-fixdate for `Date` headers (RFC 9110 §5.6.7), cached per second by the loop that uses it.
struct HTTPDate {
    private var second = -1
    private var text = ""

    mutating func now() -> String {
        var current = time(nil)
        guard Int(current) != second else { return text }
        second = Int(current)
        var parts = tm()
        gmtime_r(&current, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        text =
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        return text
    }
}
