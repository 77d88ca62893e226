/// A length of time in words, as a person reads it on a phone: "45 s", "3 min 45 s", "2 h 10 min", "3 days 4 h".
///
/// Slurm's own `M:SS` and `H:MM:SS` are ambiguous to a reader ("3:45" is minutes or hours), so replies say
/// durations this way and keep Slurm's shape only where Slurm reads it back (an `sbatch` line). Two units at most:
/// the second one is all a glance needs.
public enum DurationWords {
    /// - Parameter seconds: negative values read as "0 s": an elapsed time never runs backwards, even when the head
    ///   node's clock runs ahead of ours.
    public static func text(_ seconds: Int64) -> String {
        let total = max(0, seconds)
        let (days, hours, minutes, rest) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 {
            return hours > 0
                ? "\(days) \(days == 1 ? "day" : "days") \(hours) h" : "\(days) \(days == 1 ? "day" : "days")"
        }
        if hours > 0 { return minutes > 0 ? "\(hours) h \(minutes) min" : "\(hours) h" }
        if minutes > 0 { return rest > 0 ? "\(minutes) min \(rest) s" : "\(minutes) min" }
        return "\(rest) s"
    }

    public static func text(_ seconds: Int) -> String { text(Int64(seconds)) }
}
