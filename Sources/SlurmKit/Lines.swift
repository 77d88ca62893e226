/// Splits text into lines at `\n`, dropping a trailing `\r` and empty lines.
///
/// Works on UTF-8 bytes: Swift treats `\r\n` as one `Character`, so splitting on `"\n"` would miss CRLF output,
/// and byte scanning is what keeps a 50,000-job snapshot fast.
func lines(_ text: Substring) -> [Substring] {
    var result: [Substring] = []
    let utf8 = text.utf8
    var start = utf8.startIndex
    var index = start
    while index != utf8.endIndex {
        if utf8[index] == 0x0A {
            append(start, index)
            start = utf8.index(after: index)
        }
        index = utf8.index(after: index)
    }
    append(start, utf8.endIndex)
    return result

    func append(_ from: String.Index, _ to: String.Index) {
        var end = to
        if end > from, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
        if end > from { result.append(text[from..<end]) }
    }
}
