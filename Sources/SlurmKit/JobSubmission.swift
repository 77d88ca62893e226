/// A job to hand to `sbatch`: the script, passed on its standard input, and only the options of an allow-list,
/// each checked and written back in a canonical form, so the command line holds nothing a shell would read as
/// anything but a word.
///
/// A script with `#SBATCH` lines is refused: they would set options past the allow-list (sbatch reads them as if
/// given on the command line).
public struct JobSubmission: Sendable, Hashable {
    public static let maxScriptBytes = 60_000

    public var script: String
    public var partition: String?
    /// Seconds.
    public var time: Int?
    public var cpusPerTask: Int?
    public var memoryMB: Int?
    public var gpus: Int?
    public var nodes: Int?
    public var name: String?
    /// `0-99`, `1,3,5-7`, `0-999%50`, `0-20:2`.
    public var array: String?

    public init(
        script: String, partition: String? = nil, time: Int? = nil, cpusPerTask: Int? = nil, memoryMB: Int? = nil,
        gpus: Int? = nil, nodes: Int? = nil, name: String? = nil, array: String? = nil
    ) {
        self.script = script
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.memoryMB = memoryMB
        self.gpus = gpus
        self.nodes = nodes
        self.name = name
        self.array = array
    }

    /// Why a submission cannot go to Slurm, in words for whoever sent it.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// The `sbatch` command line; `testOnly` asks Slurm when and where the job would start, submitting nothing.
    public func command(testOnly: Bool) throws(Problem) -> String {
        try check()
        var words = ["sbatch", "--parsable"]
        if testOnly { words.append("--test-only") }
        if let partition { words.append("--partition=" + partition) }
        if let time { words.append("--time=" + SlurmDuration.format(time)) }
        if let nodes { words.append("--nodes=\(nodes)") }
        if let cpusPerTask { words.append("--cpus-per-task=\(cpusPerTask)") }
        if let memoryMB { words.append("--mem=\(memoryMB)M") }
        if let gpus, gpus > 0 { words.append("--gpus=\(gpus)") }
        if let name { words.append("--job-name=" + name) }
        if let array { words.append("--array=" + array) }
        return words.joined(separator: " ")
    }

    func check() throws(Problem) {
        let bytes = script.utf8
        guard bytes.count <= Self.maxScriptBytes else {
            throw Problem(description: "The script is longer than \(Self.maxScriptBytes) bytes.")
        }
        guard bytes.starts(with: "#!".utf8) else {
            throw Problem(description: "The script must start with an interpreter line such as #!/bin/bash.")
        }
        guard !bytes.contains(0) else { throw Problem(description: "The script holds a NUL byte.") }
        for line in script.split(separator: "\n") {
            let text = line.drop { $0 == " " || $0 == "\t" }
            if text.hasPrefix("#") && text.dropFirst().drop(while: { $0 == " " }).hasPrefix("SBATCH") {
                throw Problem(
                    description:
                        "The script sets options with #SBATCH lines; give them as the tool's arguments instead "
                        + "(partition, time, cpus, mem, gpus, nodes, job_name, array).")
            }
        }
        if let partition, !SlurmName.isValid(partition) {
            throw Problem(description: "partition is not a name Slurm would use.")
        }
        if let name, !Self.isJobName(name) {
            throw Problem(description: "job_name may hold letters, digits, '.', '_' and '-' only (at most 64).")
        }
        if let array, !Self.isArraySpec(array) {
            throw Problem(description: "array must be like 0-99, 1,3,5-7, 0-999%50 or 0-20:2.")
        }
        for (name, value, range) in [
            ("time", time, 60...(365 * 86_400)), ("cpus", cpusPerTask, 1...100_000), ("mem", memoryMB, 1...(1 << 30)),
            ("gpus", gpus, 0...1_024), ("nodes", nodes, 1...10_000),
        ] {
            if let value, !range.contains(value) {
                throw Problem(description: "\(name) is out of range (\(range.lowerBound) to \(range.upperBound)).")
            }
        }
    }

    static func isJobName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy {
                $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            }
    }

    /// Slurm's `--array` shape: ranges or single indexes, comma separated, each range with an optional `:step`,
    /// and an optional `%limit` at the end.
    public static func isArraySpec(_ spec: String) -> Bool {
        guard (1...64).contains(spec.utf8.count) else { return false }
        let throttle = spec.split(separator: "%", omittingEmptySubsequences: false)
        guard throttle.count <= 2, throttle.dropFirst().allSatisfy(isNumber) else { return false }
        return throttle[0].split(separator: ",", omittingEmptySubsequences: false).allSatisfy { item in
            let stepped = item.split(separator: ":", omittingEmptySubsequences: false)
            guard stepped.count <= 2, stepped.dropFirst().allSatisfy(isNumber) else { return false }
            let bounds = stepped[0].split(separator: "-", omittingEmptySubsequences: false)
            return (1...2).contains(bounds.count) && bounds.allSatisfy(isNumber)
                && (stepped.count == 1 || bounds.count == 2)
        }
    }

    private static func isNumber(_ text: Substring) -> Bool {
        (1...7).contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// What `sbatch` answered.
public enum SubmissionReply {
    /// `--parsable` prints `JOBID` or `JOBID;CLUSTER`.
    public static func jobID(_ stdout: String) -> String? {
        let line = stdout.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = line.split(separator: ";").first.map(String.init) ?? ""
        return !id.isEmpty && id.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) ? id : nil
    }

    /// `--test-only` says, on stderr: `sbatch: Job 42 to start at 2026-12-03T15:04:05 using 4 processors on nodes
    /// n[1-2] in partition debug`.
    public struct Plan: Sendable, Hashable {
        public var startsAt: String
        public var processors: Int?
        public var nodes: String?
        public var partition: String?

        public init(startsAt: String, processors: Int? = nil, nodes: String? = nil, partition: String? = nil) {
            self.startsAt = startsAt
            self.processors = processors
            self.nodes = nodes
            self.partition = partition
        }
    }

    public static func plan(_ stderr: String) -> Plan? {
        guard let line = stderr.split(whereSeparator: \.isNewline).first(where: { $0.contains(" to start at ") })
        else { return nil }
        let words = line.split(separator: " ").map(String.init)
        func after(_ word: String, skipping: Int = 0) -> String? {
            guard let index = words.firstIndex(of: word), index + 1 + skipping < words.count else { return nil }
            return words[index + 1 + skipping]
        }
        guard let start = words.firstIndex(of: "start").flatMap({ $0 + 2 < words.count ? words[$0 + 2] : nil })
        else { return nil }
        return Plan(
            startsAt: start, processors: after("using").flatMap { Int($0) }, nodes: after("nodes"),
            partition: after("partition"))
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9"))
    }
}
