/// Text people typed (job names, reasons) put into messages safely: no backticks to break out of a code span, no
/// line breaks, a bounded length. Mentions in it are harmless because every message sets `allowed_mentions`.
public enum UserText {
    /// Inside a code span.
    public static func code(_ text: String, _ limit: Int) -> String {
        "`" + plain(text, limit) + "`"
    }

    /// Plain, for titles and lines.
    public static func plain(_ text: String, _ limit: Int) -> String {
        let cleaned = String(text.map { $0 == "`" || $0.isNewline ? " " : $0 })
        let trimmed = cleaned.isEmpty ? "(no name)" : cleaned
        return trimmed.count > limit ? String(trimmed.prefix(limit - 1)) + "…" : trimmed
    }
}
