public import ClusterFacts
import Foundation

/// What the built-in analyst makes of a free question: the one tool that answers it, or why none does.
///
/// It recognises the questions researchers ask most (free GPUs, where a job of some size can run, why a job waits,
/// who uses a partition, how busy it was, one node) by their words, and reads sizes from them ("2 GPUs", "64G",
/// "4 hours"). Anything that asks to change the cluster is declined: every tool only reads.
public enum QuestionRouter {
    public enum Route: Sendable, Hashable {
        case tool(ToolCall)
        /// The question asks to change something (cancel, drain, reboot…).
        case declineWrite
        /// About the cluster, but not one of the questions recognised.
        case unrecognised
        /// Not about the cluster at all.
        case offTopic
    }

    public static func route(_ question: String, facts: ClusterFacts) -> Route {
        let text = question.lowercased()
        let words = Set(TruthCheck.tokens(text))
        if !words.isDisjoint(with: writeWords) { return .declineWrite }
        let partition = facts.partitions.map(\.name).first { words.contains($0.lowercased()) }
        var scope: [String: JSONValue] = [:]
        if let partition { scope["partition"] = .string(partition) }
        if let job = jobID(in: text) {
            return .tool(ToolCall(name: "explain_job", arguments: .object(["job_id": .string(job)])))
        }
        if let node = facts.capacity.nodes.lazy.map(\.name).first(where: { words.contains($0.lowercased()) })
            ?? facts.outOfService.map(\.name).first(where: { words.contains($0.lowercased()) })
        {
            return .tool(ToolCall(name: "get_node", arguments: .object(["name": .string(node)])))
        }
        if words.contains("who") || words.contains("whose") || text.contains("which users") {
            return .tool(ToolCall(name: "partition_users", arguments: .object(scope)))
        }
        if let hours = lookBack(text), !words.isDisjoint(with: historyWords) {
            var arguments = scope
            arguments["hours"] = .int(hours)
            arguments["metric"] = .string(words.contains("gpu") || words.contains("gpus") ? "gpus" : "cpus")
            return .tool(ToolCall(name: "usage_history", arguments: .object(arguments)))
        }
        let size = size(in: text)
        if !size.isEmpty || (!words.isDisjoint(with: fitWords) && !words.isDisjoint(with: resourceWords)) {
            var arguments = scope.merging(size) { $1 }
            if words.contains("gpu") || words.contains("gpus"), arguments["gpus"] == nil { arguments["gpus"] = .int(1) }
            return .tool(ToolCall(name: "find_resources", arguments: .object(arguments)))
        }
        if !words.isDisjoint(with: statusWords) || partition != nil {
            return .tool(ToolCall(name: "cluster_status", arguments: .object(scope)))
        }
        return words.isDisjoint(with: clusterWords) ? .offTopic : .unrecognised
    }

    static let writeWords: Set<String> = [
        "cancel", "scancel", "kill", "delete", "remove", "requeue", "reboot", "resume", "undrain", "drain", "hold",
        "release", "shutdown", "restart", "modify", "rm", "sudo", "suspend", "preempt",
    ]
    static let historyWords: Set<String> = [
        "busy", "usage", "used", "load", "utilization", "utilisation", "full", "use", "history", "idle",
    ]
    static let fitWords: Set<String> = ["run", "fit", "fits", "start", "submit", "launch", "place", "schedule", "get"]
    static let resourceWords: Set<String> = [
        "gpu", "gpus", "cpu", "cpus", "core", "cores", "memory", "mem", "ram", "node", "nodes", "job",
    ]
    static let statusWords: Set<String> = [
        "free", "available", "idle", "busy", "full", "status", "load", "down", "drained", "draining", "queue",
        "waiting", "pending", "open", "room", "capacity", "broken", "offline",
    ]
    static let clusterWords: Set<String> = [
        "cluster", "slurm", "node", "nodes", "job", "jobs", "partition", "partitions", "cpu", "cpus", "gpu", "gpus",
        "memory", "queue", "sbatch", "squeue", "hpc", "compute",
    ]

    /// "job 12345", "#12345_7", or a bare id of three or more digits not followed by a unit.
    static func jobID(in text: String) -> String? {
        let patterns = [
            #"job\s*(?:id\s*)?#?\s*(\d+(?:_\d+)?)"#, #"#(\d+(?:_\d+)?)"#, #"\b(\d{3,}(?:_\d+)?)\b(?!\s*(?:[a-z%]))"#,
        ]
        for pattern in patterns {
            if let match = first(pattern, in: text) { return match[0] }
        }
        return nil
    }

    /// The resources a question names, as `find_resources` arguments.
    static func size(in text: String) -> [String: JSONValue] {
        var size: [String: JSONValue] = [:]
        if let cpus = first(#"(\d+)\s*(?:cpus?|cores?|threads?)\b"#, in: text) { size["cpus"] = .string(cpus[0]) }
        if let gpus = first(#"(\d+)\s*(?:x\s*)?(?:[a-z0-9]+\s+)?gpus?\b"#, in: text) { size["gpus"] = .string(gpus[0]) }
        if let nodes = first(#"(\d+)\s*nodes?\b"#, in: text) { size["nodes"] = .string(nodes[0]) }
        if let memory = first(#"(\d+)\s*(g|gb|gib|t|tb|tib|m|mb|mib)\b"#, in: text) {
            size["mem"] = .string(memory[0] + String(memory[1].prefix(1)).uppercased())
        }
        if let time = first(#"(\d+)\s*(hours?|hrs?|h|days?|d|minutes?|mins?)\b"#, in: text), let count = Int(time[0]) {
            switch time[1].first {
            case "d": size["time"] = .string("\(count)-00:00:00")
            case "m": size["time"] = .string("\(count / 60):\(String(format: "%02d", count % 60)):00")
            default: size["time"] = .string("\(count):00:00")
            }
        }
        return size.mapValues { value in value.int.map { JSONValue.int($0) } ?? value }
    }

    /// How far back a question looks, in hours: "yesterday" is 24, "last 3 days" 72, "this week" 168.
    static func lookBack(_ text: String) -> Int? {
        if let match = first(#"(?:last|past)\s+(\d+)\s*(hours?|h|days?|d|weeks?)"#, in: text), let count = Int(match[0])
        {
            let hours = match[1].hasPrefix("w") ? count * 168 : match[1].hasPrefix("d") ? count * 24 : count
            return min(720, max(1, hours))
        }
        if text.contains("week") { return 168 }
        if text.contains("yesterday") || text.contains("last day") || text.contains("past day") { return 24 }
        if text.contains("today") || text.contains("this morning") { return 12 }
        if text.contains("last hour") || text.contains("past hour") { return 1 }
        return nil
    }

    /// The capture groups of the first match of `pattern`.
    static func first(_ pattern: String, in text: String) -> [String]? {
        guard let expression = try? NSRegularExpression(pattern: pattern),
            let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        return (1..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
        }
    }
}
