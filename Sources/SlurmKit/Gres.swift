/// One generic resource entry: `gpu:a100:4(S:0-1)`, `gpu:tesla:2(IDX:0-1)`, `shard:8`, `gpu:0`.
public struct Gres: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: String?
    public var count: Int
    /// The parenthesised detail (`S:0-1` socket binding, `IDX:0,2` indexes in use), kept verbatim.
    public var detail: String?

    public init(name: String, type: String? = nil, count: Int, detail: String? = nil) {
        self.name = name
        self.type = type
        self.count = count
        self.detail = detail
    }

    public var isGPU: Bool { name == "gpu" }

    public var description: String {
        var text = name
        if let type { text += ":" + type }
        text += ":\(count)"
        if let detail { text += "(\(detail))" }
        return text
    }

    /// Parses a comma-separated GRES list; commas inside parentheses (`IDX:0,2`) do not split. `(null)` is empty.
    /// Unreadable entries are skipped rather than failing the node.
    public static func parseList(_ text: some StringProtocol) -> [Gres] {
        let trimmed = text.trimmingSpaces()
        if trimmed.isEmpty || trimmed == "(null)" || trimmed == "N/A" { return [] }
        var items: [Gres] = []
        var depth = 0
        var current = ""
        for character in trimmed {
            switch character {
            case "(":
                depth += 1
                current.append(character)
            case ")":
                depth -= 1
                current.append(character)
            case "," where depth == 0:
                if let gres = Gres(parsing: current) { items.append(gres) }
                current = ""
            default:
                current.append(character)
            }
        }
        if let gres = Gres(parsing: current) { items.append(gres) }
        return items
    }

    /// Parses one entry. A bare name counts one; `gres:` and `gres/` prefixes (squeue `%b`, TRES) are dropped, and
    /// a count after `=` (24.11's tres-per-task `gres/gpu=2`, TRES `gres/gpu:a100=2`) reads as after `:`.
    public init?(parsing text: some StringProtocol) {
        var body = Substring(text.trimmingSpaces())
        if body.hasPrefix("gres:") || body.hasPrefix("gres/") { body = body.dropFirst(5) }
        if let equals = body.lastIndex(of: "=") {
            body = Substring(String(body[..<equals]) + ":" + body[body.index(after: equals)...])
        }
        var detail: String?
        if let open = body.firstIndex(of: "("), body.hasSuffix(")") {
            detail = String(body[body.index(after: open)..<body.index(before: body.endIndex)])
            body = body[..<open]
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.first, !name.isEmpty else { return nil }
        var type: String?
        var count = 1
        switch parts.count {
        case 1:
            break
        case 2:
            if let n = Gres.count(parts[1]) { count = n } else { type = parts[1] }
        default:
            type = parts[1]
            guard let n = Gres.count(parts[2]) else { return nil }
            count = n
        }
        self.init(name: name, type: type, count: count, detail: detail)
    }

    private static func count(_ text: String) -> Int? {
        var body = Substring(text)
        var factor = 1
        switch body.last {
        case "K", "k": factor = 1024
        case "M", "m": factor = 1024 * 1024
        case "G", "g": factor = 1024 * 1024 * 1024
        default: break
        }
        if factor != 1 { body = body.dropLast() }
        // A count no machine has (past Int once scaled) is unreadable, not a crash (found by scripts/fuzz slurm).
        guard let count = Int(body), count >= 0 else { return nil }
        let (scaled, overflow) = count.multipliedReportingOverflow(by: factor)
        return overflow ? nil : scaled
    }
}

/// Counts multiplied or summed from what Slurm printed: odd output cannot overflow them into a crash; they stop at
/// `Int.max`, far past any real cluster.
func saturating(_ a: Int, times b: Int) -> Int {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? Int.max : product
}

func saturating(_ a: Int, plus b: Int) -> Int {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? Int.max : sum
}

extension [Gres] {
    /// The number of GPUs in this list.
    public var gpuCount: Int {
        reduce(0) { saturating($0, plus: $1.isGPU ? $1.count : 0) }
    }

    /// GPU models present (`a100`), for summaries like "3 of 8 A100s free".
    public var gpuTypes: [String] {
        var seen: [String] = []
        for item in self where item.isGPU {
            if let type = item.type, !seen.contains(type) { seen.append(type) }
        }
        return seen
    }
}

/// A trackable-resources list (`cpu=4,mem=8000M,billing=4,gres/gpu=2`) as a dictionary.
public enum TRES {
    public static func parse(_ text: some StringProtocol) -> [String: String] {
        var result: [String: String] = [:]
        for item in text.split(separator: ",") {
            guard let equals = item.firstIndex(of: "=") else { continue }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }

    /// The GPU count in a TRES list (`gres/gpu=2`), 0 when absent.
    public static func gpus(_ tres: [String: String]) -> Int {
        tres["gres/gpu"].flatMap { Int($0) } ?? 0
    }
}
