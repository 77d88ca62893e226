/// Values parsed once per distinct text within one parse call.
///
/// States, GRES lists, reasons and names repeat across thousands of lines of one poll; parsing each distinct text
/// once is much of what keeps a 50,000-job snapshot fast.
struct Memo<Value> {
    private var values: [Substring: Value] = [:]

    mutating func value(_ text: Substring, _ make: (Substring) -> Value) -> Value {
        if let known = values[text] { return known }
        let value = make(text)
        values[text] = value
        return value
    }
}
