/// Values parsed once per distinct text within one parse call.
///
/// States, GRES lists, reasons and names repeat across thousands of lines of one poll; parsing each distinct text
/// once is much of what keeps a 50,000-job snapshot fast.
struct Memo<Value> {
    private var values: [ByteKey: Value] = [:]

    mutating func value(_ text: Substring, _ make: (Substring) -> Value) -> Value {
        let key = ByteKey(text)
        if let known = values[key] { return known }
        let value = make(text)
        values[key] = value
        return value
    }
}
