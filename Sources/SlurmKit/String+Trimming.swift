extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends; Foundation-free and allocation-light so
    /// parsers stay fast.
    func trimmingSpaces() -> String {
        String(trimmedSlice(Substring(self)))
    }
}

/// The slice of `text` without leading and trailing spaces, tabs and line ends.
func trimmedSlice(_ text: Substring) -> Substring {
    let view = text.utf8
    var start = view.startIndex
    var end = view.endIndex
    while start < end && isSpace(view[start]) { start = view.index(after: start) }
    while end > start && isSpace(view[view.index(before: end)]) { end = view.index(before: end) }
    return text[start..<end]
}

@inline(__always)
func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

/// A non-negative decimal integer made only of ASCII digits, without going through `Int(String)`.
@inline(__always)
func decimal(_ text: Substring.UTF8View) -> Int? {
    guard !text.isEmpty, text.count <= 18 else { return nil }
    var value = 0
    for byte in text {
        guard isDigit(byte) else { return nil }
        value = value &* 10 &+ Int(byte &- 48)
    }
    return value
}
