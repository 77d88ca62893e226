/// Splits text into lines at `\n`, dropping a trailing `\r` and empty lines.
///
/// Works on UTF-8 bytes: Swift treats `\r\n` as one `Character`, so splitting on `"\n"` would miss CRLF output,
/// and scanning contiguous bytes is what keeps a 50,000-job snapshot fast.
func lines(_ text: Substring) -> [Substring] {
    var result: [Substring] = []
    let utf8 = text.utf8
    let base = utf8.startIndex
    let scanned: Void? = utf8.withContiguousStorageIfAvailable { buffer in
        func append(_ from: Int, _ to: Int) {
            var end = to
            if end > from && buffer[end - 1] == 0x0D { end -= 1 }
            if end > from { result.append(text[utf8.index(base, offsetBy: from)..<utf8.index(base, offsetBy: end)]) }
        }
        var start = 0
        for offset in 0..<buffer.count where buffer[offset] == 0x0A {
            append(start, offset)
            start = offset + 1
        }
        append(start, buffer.count)
    }
    if scanned != nil { return result }
    return linesByIndex(text)
}

/// The same for text that is not stored contiguously (bridged strings): slower, same result.
private func linesByIndex(_ text: Substring) -> [Substring] {
    var result: [Substring] = []
    let utf8 = text.utf8
    var start = utf8.startIndex
    var index = start
    func append(_ from: String.Index, _ to: String.Index) {
        var end = to
        if end > from, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
        if end > from { result.append(text[from..<end]) }
    }
    while index != utf8.endIndex {
        if utf8[index] == 0x0A {
            append(start, index)
            start = utf8.index(after: index)
        }
        index = utf8.index(after: index)
    }
    append(start, utf8.endIndex)
    return result
}
