/// Parses Slurm memory figures (`8000M`, `1.50G`, `2T`, `512K`, bare megabytes) into whole megabytes.
///
/// A trailing `c` or `n` (per CPU, per node, as older squeue prints `%m`) is accepted and ignored here; callers
/// that care ask `MemorySize.isPerCPU`.
public enum MemorySize {
    public static func megabytes(_ text: some StringProtocol) -> Int? {
        // The common case, `100M` or `16000M`, without building any string.
        let slice = Substring(text)
        if slice.utf8.last == UInt8(ascii: "M"), let value = decimal(slice.dropLast().utf8) { return value }
        var body = text.trimmingSpaces()
        if body.hasSuffix("c") || body.hasSuffix("n") { body.removeLast() }
        guard let last = body.last else { return nil }
        var factor = 1.0
        switch last {
        case "K", "k": factor = 1.0 / 1024
        case "M", "m": factor = 1
        case "G", "g": factor = 1024
        case "T", "t": factor = 1024 * 1024
        case "P", "p": factor = 1024 * 1024 * 1024
        default: factor = 0
        }
        if factor != 0 { body.removeLast() } else { factor = 1 }
        // Past an exabyte it is not a memory size (and would not fit an Int): unreadable, not a crash.
        guard let value = Double(body), value >= 0, value.isFinite, value * factor < 1e12 else { return nil }
        return Int(value * factor + 0.5)
    }

    /// Whether a request was given per CPU (`--mem-per-cpu`), shown by squeue with a `c` suffix on some versions.
    public static func isPerCPU(_ text: some StringProtocol) -> Bool {
        text.hasSuffix("c")
    }
}
