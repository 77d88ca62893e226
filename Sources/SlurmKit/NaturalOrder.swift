/// Orders names the way people read them: `n2` before `n10`, `gpu9` before `gpu10`.
///
/// Digit runs compare by numeric value (leading zeros break ties), everything else byte by byte, so node lists,
/// heatmap rows and autocomplete choices come out in the order an admin expects.
public func naturalLess(_ lhs: String, _ rhs: String) -> Bool {
    naturalCompare(lhs, rhs) < 0
}

/// Three-way natural comparison: negative, zero or positive.
///
/// Reads both strings' UTF-8 in place: sorting 10,000 node names makes 140,000 comparisons, and copying the
/// bytes out for each was most of the cost.
public func naturalCompare(_ lhs: String, _ rhs: String) -> Int {
    var lhs = lhs
    var rhs = rhs
    return lhs.withUTF8 { a in rhs.withUTF8 { b in naturalCompare(a, b) } }
}

func naturalCompare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
        if isDigit(a[i]) && isDigit(b[j]) {
            let startA = i
            let startB = j
            while i < a.count && isDigit(a[i]) { i += 1 }
            while j < b.count && isDigit(b[j]) { j += 1 }
            var sa = startA
            var sb = startB
            while sa < i - 1 && a[sa] == UInt8(ascii: "0") { sa += 1 }
            while sb < j - 1 && b[sb] == UInt8(ascii: "0") { sb += 1 }
            let lenA = i - sa
            let lenB = j - sb
            if lenA != lenB { return lenA - lenB }
            for k in 0..<lenA where a[sa + k] != b[sb + k] {
                return Int(a[sa + k]) - Int(b[sb + k])
            }
            let widthA = i - startA
            let widthB = j - startB
            if widthA != widthB { return widthB - widthA }
        } else {
            if a[i] != b[j] { return Int(a[i]) - Int(b[j]) }
            i += 1
            j += 1
        }
    }
    return (a.count - i) - (b.count - j)
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

extension Sequence where Element == String {
    /// The names in natural order.
    public func naturallySorted() -> [String] {
        sorted(by: naturalLess)
    }
}
