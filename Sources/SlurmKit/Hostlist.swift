/// Slurm's compact host list syntax (`gpu[01-04,07],cpu-a[1-3]`), in both directions.
///
/// Slurm prints node sets this way in partitions, jobs and reasons; we expand them to match names against the node
/// table and compress them again so replies stay short at any cluster size.
public enum Hostlist {
    /// Why a host list could not be read.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case unbalancedBrackets(String)
        case badRange(String)
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .unbalancedBrackets(let text): "unbalanced brackets in host list \"\(text)\""
            case .badRange(let text): "bad range \"\(text)\" in host list"
            case .tooLarge(let limit): "host list expands to more than \(limit) names"
            }
        }
    }

    /// Expands a host list into names, in the order written.
    ///
    /// Several bracket groups in one name give every combination (`r[1-2]n[1-2]` is four names); text after a
    /// bracket is kept (`n[1-2]-ib`); ranges keep the zero padding of their first bound. `(null)` and an empty
    /// string are the empty list, as Slurm prints them.
    /// - Throws: `Hostlist.Error` for unbalanced brackets, reversed or non-numeric ranges, or more than `limit` names.
    public static func expand(_ text: String, limit: Int = 1_000_000) throws(Hostlist.Error) -> [String] {
        let trimmed = text.trimmingSpaces()
        if trimmed.isEmpty || trimmed == "(null)" || trimmed == "None" { return [] }
        var result: [String] = []
        for item in try splitTopLevel(trimmed) where !item.isEmpty {
            try expandItem(item, into: &result, limit: limit)
        }
        return result
    }

    /// Compresses names into the shortest usual host list, grouping on the last digit run of each name.
    ///
    /// The result is in natural order and expands back to the same set of names.
    public static func compress<S: Sequence>(_ names: S) -> String where S.Element == String {
        var groups: [GroupKey: [Int]] = [:]
        var order: [GroupKey] = []
        var plain: [String] = []
        for name in Set(names) {
            guard let (prefix, digits, suffix) = lastDigitRun(name), digits.count <= 18, let value = Int(digits) else {
                plain.append(name)
                continue
            }
            let width = digits.first == "0" && digits.count > 1 ? digits.count : 0
            let key = GroupKey(prefix: prefix, suffix: suffix, width: width)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(value)
        }
        // An unpadded number with as many digits as a padded group's width can join that group (`n09`, `n10`).
        for key in order where key.width == 0 {
            guard let values = groups[key] else { continue }
            var remaining: [Int] = []
            for value in values {
                let padded = GroupKey(prefix: key.prefix, suffix: key.suffix, width: String(value).count)
                if padded.width > 1, groups[padded] != nil, value >= pow10(padded.width - 1) {
                    groups[padded]!.append(value)
                } else {
                    remaining.append(value)
                }
            }
            groups[key] = remaining.isEmpty ? nil : remaining
        }
        var pieces: [(sortName: String, text: String)] = plain.map { ($0, $0) }
        for key in order {
            guard let values = groups[key] else { continue }
            let sorted = Array(Set(values)).sorted()
            let render = { (n: Int) -> String in pad(n, width: key.width) }
            if sorted.count == 1 {
                let name = key.prefix + render(sorted[0]) + key.suffix
                pieces.append((name, name))
                continue
            }
            var ranges: [String] = []
            var start = sorted[0]
            var previous = sorted[0]
            for value in sorted.dropFirst() + [Int.min] {
                if value == previous + 1 {
                    previous = value
                    continue
                }
                ranges.append(start == previous ? render(start) : "\(render(start))-\(render(previous))")
                start = value
                previous = value
            }
            let first = key.prefix + render(sorted[0]) + key.suffix
            pieces.append((first, key.prefix + "[" + ranges.joined(separator: ",") + "]" + key.suffix))
        }
        return pieces.sorted { naturalLess($0.sortName, $1.sortName) }.map(\.text).joined(separator: ",")
    }

    private struct GroupKey: Hashable {
        let prefix: String
        let suffix: String
        let width: Int
    }

    private static func splitTopLevel(_ text: String) throws(Hostlist.Error) -> [Substring] {
        var items: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for index in text.indices {
            switch text[index] {
            case "[":
                depth += 1
                if depth > 1 { throw .unbalancedBrackets(text) }
            case "]":
                depth -= 1
                if depth < 0 { throw .unbalancedBrackets(text) }
            case "," where depth == 0:
                items.append(text[start..<index])
                start = text.index(after: index)
            default:
                break
            }
        }
        if depth != 0 { throw .unbalancedBrackets(text) }
        items.append(text[start...])
        return items
    }

    private static func expandItem(_ item: Substring, into result: inout [String], limit: Int) throws(Hostlist.Error) {
        guard let open = item.firstIndex(of: "[") else {
            if result.count >= limit { throw .tooLarge(limit: limit) }
            result.append(String(item))
            return
        }
        guard let close = item[open...].firstIndex(of: "]") else { throw .unbalancedBrackets(String(item)) }
        let prefix = item[..<open]
        let rest = item[item.index(after: close)...]
        let inner = item[item.index(after: open)..<close]
        var tails: [String] = []
        try expandItem(rest, into: &tails, limit: limit)
        if rest.isEmpty { tails = [""] }
        for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2,
                bounds.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isDigit) && $0.count <= 18 }),
                let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]), low <= high
            else { throw .badRange(String(part)) }
            let width = bounds[0].count
            // Checked step by step: a range like [0-999999999999999999] must not overflow the product.
            let span = high - low + 1
            if span > limit || span * max(1, tails.count) > limit - result.count { throw .tooLarge(limit: limit) }
            for value in low...high {
                let head = prefix + pad(value, width: width)
                for tail in tails { result.append(head + tail) }
            }
        }
    }

    private static func lastDigitRun(_ name: String) -> (String, String, String)? {
        let bytes = Array(name.utf8)
        guard var end = bytes.lastIndex(where: isDigit) else { return nil }
        end += 1
        var start = end - 1
        while start > 0 && isDigit(bytes[start - 1]) { start -= 1 }
        return (
            String(decoding: bytes[..<start], as: UTF8.self),
            String(decoding: bytes[start..<end], as: UTF8.self),
            String(decoding: bytes[end...], as: UTF8.self)
        )
    }

    private static func pad(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func pow10(_ exponent: Int) -> Int {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }
}

extension Hostlist {
    /// The name without its trailing digits (`gpu017` → `gpu`): a host list naming the node contains it.
    public static func prefix(of node: String) -> String {
        let trimmed = node.reversed().drop { $0.isNumber }
        return trimmed.isEmpty ? node : String(trimmed.reversed())
    }
}

extension Job {
    /// Whether the job's node list names this node (expanded only when the name could be in it).
    public func runs(on node: String) -> Bool {
        guard let list = nodeList, !list.isEmpty else { return false }
        if list == node { return true }
        guard list.contains(Hostlist.prefix(of: node)) else { return false }
        return (try? Hostlist.expand(list))?.contains(node) ?? false
    }
}
