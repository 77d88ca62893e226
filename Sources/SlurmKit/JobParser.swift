/// Reads the one squeue format slurmbot uses.
///
/// The job name is the last field and the line is split at most `fields.count - 1` times, so a `|` in a job name
/// cannot shift the other columns. Lines that do not have every field are counted, not guessed.
public enum JobParser {
    /// The squeue fields in order; `%j` (name) must stay last.
    public static let fields = [
        "%i", "%A", "%F", "%K", "%u", "%a", "%P", "%q", "%T", "%r", "%M", "%l", "%L", "%D", "%C", "%m", "%b", "%N",
        "%V", "%S", "%e", "%Q", "%E", "%v", "%j",
    ]

    /// The `-o` argument: `%i|%A|…|%j`.
    public static let format = fields.joined(separator: "|")

    public struct Result: Sendable {
        public var jobs: [Job]
        /// Lines that were not blank but could not be read (too few fields, no numeric job id).
        public var malformedLines: Int
    }

    public static func parse(_ text: String, clock: SlurmClock) -> Result {
        parse(Substring(text), clock: clock)
    }

    public static func parse(_ text: Substring, clock: SlurmClock) -> Result {
        var jobs: [Job] = []
        var malformed = 0
        for line in lines(text) {
            if line.utf8.allSatisfy({ $0 == 0x20 }) { continue }
            if let job = parse(line: line, clock: clock) {
                jobs.append(job)
            } else {
                malformed += 1
            }
        }
        return Result(jobs: jobs, malformedLines: malformed)
    }

    public static func parse(line: Substring, clock: SlurmClock) -> Job? {
        let columns = line.split(separator: "|", maxSplits: fields.count - 1, omittingEmptySubsequences: false)
        guard columns.count == fields.count, let jobID = Int(columns[1]) else { return nil }
        func text(_ index: Int) -> String? {
            let value = columns[index]
            switch value {
            case "", "N/A", "(null)", "None": return nil
            default: return String(value)
            }
        }
        func time(_ index: Int) -> Int64? { clock.seconds(columns[index]) }
        let displayID = String(columns[0])
        var hetJobID: Int?
        var hetOffset: Int?
        if let plus = displayID.firstIndex(of: "+") {
            hetJobID = Int(displayID[..<plus])
            hetOffset = Int(displayID[displayID.index(after: plus)...])
        }
        let arrayTask = text(3)
        let memory = columns[15]
        let name = String(columns[24])
        return Job(
            displayID: displayID,
            jobID: jobID,
            arrayJobID: arrayTask == nil ? nil : Int(columns[2]),
            arrayTask: arrayTask,
            hetJobID: hetJobID,
            hetOffset: hetOffset,
            name: name,
            user: String(columns[4]),
            account: text(5),
            partition: String(columns[6]),
            qos: text(7),
            state: JobState(rawValue: String(columns[8])),
            reason: JobReason(parsing: columns[9]),
            elapsed: SlurmDuration(parsing: columns[10]),
            timeLimit: SlurmDuration(parsing: columns[11]),
            timeLeft: SlurmDuration(parsing: columns[12]),
            nodeCount: Int(columns[13]) ?? 0,
            cpus: Int(columns[14]) ?? 0,
            memoryMB: MemorySize.megabytes(memory),
            memoryPerCPU: MemorySize.isPerCPU(memory),
            gres: text(16).map(Gres.parseList) ?? [],
            nodeList: text(17),
            submitTime: time(18),
            startTime: time(19),
            endTime: time(20),
            priority: Int(columns[21]),
            dependency: text(22),
            reservation: text(23)
        )
    }
}
