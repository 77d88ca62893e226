import Foundation

/// Holds a model's answer to what it was given: every number must be one of the numbers in its sources (the facts
/// digest, the tools' answers, the question), or a sum, difference or percentage of two that stand together there
/// (or in the answer), within rounding;
/// every name-like word (letters with digits, as node names and job ids are, or anything in backticks, or the word
/// after "node"/"partition"/"user") must appear in the sources. A model that invents "huk999" or "42 free GPUs" fails,
/// and the built-in answer is shown instead.
public struct TruthCheck: Sendable {
    private let values: [Double]
    private let words: Set<String>
    /// Numbers that stand side by side (one JSON object with its child objects, one line of text): sums,
    /// differences and percentages are taken only within a group, else nearly any number would be the
    /// difference of two of hundreds.
    private let groups: [[Double]]

    /// - Parameter sources: the texts the answer may draw on (the digest as JSON, each tool result, the question).
    public init(sources: [String], numbers: [Double] = []) {
        var values = Set(numbers)
        var words = Set<String>()
        var groups: [[Double]] = []
        for source in sources {
            for token in Self.tokens(source) {
                words.insert(token.lowercased())
                if let number = Self.number(token) { values.insert(number) }
            }
            if let json = JSONValue.parse(source), json.object != nil {
                Self.collectGroups(json, into: &groups)
                values.formUnion(json.numbers)
            } else {
                for line in source.split(separator: "\n") {
                    let numbers = Self.tokens(String(line)).compactMap(Self.number)
                    if numbers.count > 1 { groups.append(numbers) }
                }
            }
        }
        self.values = values.sorted()
        self.words = words
        self.groups = groups
    }

    /// One group per object: its own numbers and those of the objects directly inside it.
    static func collectGroups(_ value: JSONValue, into groups: inout [[Double]]) {
        switch value {
        case .object(let object):
            var group: [Double] = []
            for child in object.values {
                if case .number(let number) = child { group.append(number) }
                if case .object(let inner) = child {
                    for case .number(let number) in inner.values { group.append(number) }
                }
                collectGroups(child, into: &groups)
            }
            if group.count > 1 { groups.append(group) }
        case .array(let values):
            for child in values { collectGroups(child, into: &groups) }
        default:
            break
        }
    }

    /// Why `answer` cannot be trusted, or nil when every number and name in it checks out.
    public func problem(in answer: String) -> String? {
        let tokens = Self.tokens(answer)
        let stated = tokens.compactMap(Self.number)
        for (index, token) in tokens.enumerated() {
            if let number = Self.number(token) {
                let isPercent = index + 1 < tokens.count && ["%", "percent"].contains(tokens[index + 1].lowercased())
                if !supports(number, percent: isPercent, stated: stated) {
                    return "the number \(token) is not in the data"
                }
            } else if Self.isNameLike(token), !words.contains(token.lowercased()) {
                return "\(token) is not a name in the data"
            } else if index > 0, ["node", "partition", "user"].contains(tokens[index - 1].lowercased()),
                token.first?.isLetter == true, !words.contains(token.lowercased()), !Self.commonWords.contains(token)
            {
                return "\(tokens[index - 1]) \(token) is not in the data"
            }
        }
        for quoted in Self.backticked(answer) where !quoted.isEmpty {
            for token in Self.tokens(quoted) where !words.contains(token.lowercased()) && Self.number(token) == nil {
                return "`\(quoted)` is not in the data"
            }
        }
        return nil
    }

    /// Words after "node", "partition" or "user" that are ordinary English, not names.
    static let commonWords: Set<String> = [
        "is", "are", "has", "have", "with", "in", "on", "of", "and", "or", "the", "a", "an", "that", "which", "names",
        "name", "can", "could", "was", "were", "will", "would", "should", "list", "lists", "state", "states", "usage",
        "for", "to", "by", "at", "as", "it", "its", "jobs", "job", "count", "counts", "level", "free", "busy", "down",
        "drained", "draining", "idle", "mixed", "allocated", "reserved", "now", "here", "there", "so", "but",
    ]

    func supports(_ number: Double, percent: Bool, stated: [Double] = []) -> Bool {
        let tolerance = Self.tolerance(number)
        if contains(number, within: tolerance) { return true }
        // Round numbers people say without a source: zero, one, a hundred per cent.
        if number == 0 || number == 1 || (percent && number == 100) { return true }
        let groups = self.groups + [stated.filter { contains($0, within: 0.5) }]
        if percent {
            return groups.contains { group in
                group.contains { whole in
                    whole > 0 && group.contains { $0 <= whole && abs($0 / whole * 100 - number) <= max(tolerance, 1) }
                }
            }
        }
        // Memory in TB from GB.
        if contains(number * 1024, within: 1024 * tolerance) { return true }
        return groups.contains { group in
            group.contains { first in
                group.contains { second in
                    abs(first + second - number) <= tolerance || abs(first - second - number) <= tolerance
                }
            }
        }
    }

    /// Rounding as written: 2.5 stands for 2.45 ..< 2.55, 120 for 119.5 ..< 120.5.
    static func tolerance(_ number: Double) -> Double {
        let text = String(number)
        guard let dot = text.firstIndex(of: "."), text[text.index(after: dot)...] != "0" else { return 0.5 }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        return 0.5 * pow(10, -Double(decimals))
    }

    /// Binary search for a value within `tolerance` of `target`.
    private func contains(_ target: Double, within tolerance: Double) -> Bool {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < target - tolerance { low = middle + 1 } else { high = middle }
        }
        return low < values.count && values[low] <= target + tolerance
    }

    /// Words, numbers and "%" signs; a name keeps its dots, dashes and underscores (`gpu-a07`, `123_4`, `2.5`).
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber || "_-.".contains(character) {
                current.append(character)
            } else {
                if !current.isEmpty { tokens.append(trimmed(current)) }
                current = ""
                if character == "%" { tokens.append("%") }
            }
        }
        if !current.isEmpty { tokens.append(trimmed(current)) }
        return tokens.filter { !$0.isEmpty }.flatMap(splitUnit)
    }

    /// "128GB" is the number 128 and the unit GB; "c001" stays a name.
    static func splitUnit(_ token: String) -> [String] {
        guard let firstLetter = token.firstIndex(where: \.isLetter), firstLetter != token.startIndex,
            token[..<firstLetter].allSatisfy({ $0.isNumber || $0 == "." }),
            token[firstLetter...].allSatisfy(\.isLetter)
        else { return [token] }
        return [String(token[..<firstLetter]), String(token[firstLetter...])]
    }

    /// A word without the dots and dashes that end sentences or join clauses around it.
    static func trimmed(_ token: String) -> String {
        String(token.drop { ".-".contains($0) }.reversed().drop { ".-".contains($0) }.reversed())
    }

    /// A plain number ("1,024" is read as two tokens, so thousands are written without separators here).
    static func number(_ token: String) -> Double? {
        guard token.first?.isNumber == true, token.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        return Double(token)
    }

    /// Letters mixed with digits (node names, job ids with a suffix, GPU models): a name, not a word.
    static func isNameLike(_ token: String) -> Bool {
        token.contains(where: \.isLetter) && token.contains(where: \.isNumber)
    }

    static func backticked(_ text: String) -> [String] {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        return stride(from: 1, to: parts.count - 1, by: 2).map { String(parts[$0]) }
    }
}
