import MCP
import SlurmKit
import WallTime

/// One argument of an MCP tool: its JSON Schema for the agent, and the check every value meets before it reaches
/// the store or a command. The schema tells an agent what to send; the check is what holds, since an agent (or
/// whoever talks to it) may send anything.
struct ToolParameter: Sendable {
    enum Kind: Sendable {
        /// A Slurm name (node, partition, user, cluster, feature, GPU type): Slurm's strict pattern.
        case name
        /// A job id: `123`, `123_7` or `123+1`.
        case jobID
        case integer(ClosedRange<Int>)
        /// One of a few words.
        case choice([String])
        /// A memory size such as `64G` or `512M`.
        case memory
        /// A time limit such as `4:00:00`, `2-00:00:00` or `90` (minutes).
        case duration
        /// A job array such as `0-99`, `1,3,5-7` or `0-999%50`.
        case arraySpec
        /// A job script: text up to `JobSubmission.maxScriptBytes`, checked whole by `JobSubmission`.
        case script
    }

    var name: String
    var kind: Kind
    var description: String

    init(_ name: String, _ kind: Kind, _ description: String) {
        self.name = name
        self.kind = kind
        self.description = description
    }

    var schema: Value {
        var schema: [String: Value] = ["description": .string(description)]
        switch kind {
        case .name:
            schema["type"] = "string"
            schema["pattern"] = "^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$"
        case .jobID:
            schema["type"] = "string"
            schema["pattern"] = "^[0-9]{1,10}([_+][0-9]{1,7})?$"
        case .integer(let range):
            schema["type"] = "integer"
            schema["minimum"] = .int(range.lowerBound)
            schema["maximum"] = .int(range.upperBound)
        case .choice(let words):
            schema["type"] = "string"
            schema["enum"] = .array(words.map(Value.string))
        case .memory:
            schema["type"] = "string"
            schema["pattern"] = "^[0-9]{1,7}([.][0-9]{1,3})?[KMGTkmgt]?[Bb]?$"
        case .duration:
            schema["type"] = "string"
            schema["pattern"] = "^[0-9:-]{1,16}$"
        case .arraySpec:
            schema["type"] = "string"
            schema["pattern"] = "^[0-9,:%-]{1,64}$"
        case .script:
            schema["type"] = "string"
            schema["maxLength"] = .int(JobSubmission.maxScriptBytes)
        }
        return .object(schema)
    }

    /// The value as the tool uses it, or why it is refused (in words an agent can act on).
    func check(_ value: Value) -> Result<ToolArgument, ArgumentRefusal> {
        switch kind {
        case .integer(let range):
            let number: Int?
            switch value {
            case .int(let int): number = int
            case .double(let double) where double == double.rounded() && abs(double) < 1e12: number = Int(double)
            default: number = nil
            }
            guard let number else { return .failure(refusal("must be a whole number")) }
            guard range.contains(number) else {
                return .failure(refusal("must be from \(range.lowerBound) to \(range.upperBound)"))
            }
            return .success(.integer(number))
        case .script:
            guard case .string(let text) = value else { return .failure(refusal("must be a string")) }
            guard text.utf8.count <= JobSubmission.maxScriptBytes else {
                return .failure(refusal("is longer than \(JobSubmission.maxScriptBytes) bytes"))
            }
            return .success(.text(text))
        default:
            guard case .string(let text) = value else { return .failure(refusal("must be a string")) }
            guard text.utf8.count <= 64 else { return .failure(refusal("is longer than 64 characters")) }
            return checkText(text)
        }
    }

    private func checkText(_ text: String) -> Result<ToolArgument, ArgumentRefusal> {
        switch kind {
        case .name:
            guard SlurmName.isValid(text) else {
                return .failure(refusal("is not a name Slurm would use: letters, digits, '.', '_' and '-' only"))
            }
            return .success(.text(text))
        case .jobID:
            guard JobIDText.isValid(text) else {
                return .failure(refusal("must be a job id such as 12345, 12345_7 or 12345+1"))
            }
            return .success(.text(text))
        case .choice(let words):
            guard words.contains(text) else {
                return .failure(refusal("must be one of " + words.joined(separator: ", ")))
            }
            return .success(.text(text))
        case .memory:
            guard let megabytes = MemorySize.megabytes(text), megabytes > 0 else {
                return .failure(refusal("must be a size such as 64G or 512M"))
            }
            return .success(.integer(megabytes))
        case .duration:
            guard let seconds = SlurmDuration(parsing: text).seconds, seconds > 0 else {
                return .failure(refusal("must be a time limit such as 4:00:00, 2-00:00:00 or 90 (minutes)"))
            }
            return .success(.integer(seconds))
        case .arraySpec:
            guard JobSubmission.isArraySpec(text) else {
                return .failure(refusal("must be like 0-99, 1,3,5-7, 0-999%50 or 0-20:2"))
            }
            return .success(.text(text))
        case .integer, .script:
            return .failure(refusal("must be a whole number"))
        }
    }

    private func refusal(_ text: String) -> ArgumentRefusal {
        ArgumentRefusal(message: "\(name) \(text).")
    }
}

/// A checked argument: text (a name, a job id, a choice) or a number (counts, megabytes, seconds).
enum ToolArgument: Sendable, Hashable {
    case text(String)
    case integer(Int)
}

struct ArgumentRefusal: Error, Sendable {
    var message: String
}

/// Job ids as Slurm prints them: `123`, an array task `123_7`, a heterogeneous component `123+1`.
enum JobIDText {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        let plus = text.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
        let pieces = parts.count == 2 ? parts : plus
        guard pieces.count <= 2, let head = pieces.first, (1...10).contains(head.count) else { return false }
        guard head.allSatisfy(\.isASCIIDigit) else { return false }
        if pieces.count == 2 {
            return (1...7).contains(pieces[1].count) && pieces[1].allSatisfy(\.isASCIIDigit)
        }
        return true
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
