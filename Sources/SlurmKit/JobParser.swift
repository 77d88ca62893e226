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
        let all = lines(text)
        var jobs: [Job] = []
        jobs.reserveCapacity(all.count)
        var malformed = 0
        var cache = Cache()
        var columns: [Substring] = []
        columns.reserveCapacity(fields.count)
        for line in all {
            if line.utf8.allSatisfy({ $0 == 0x20 }) { continue }
            if let job = parse(line: line, clock: clock, cache: &cache, columns: &columns) {
                jobs.append(job)
            } else {
                malformed += 1
            }
        }
        return Result(jobs: jobs, malformedLines: malformed)
    }

    public static func parse(line: Substring, clock: SlurmClock) -> Job? {
        var cache = Cache()
        var columns: [Substring] = []
        return parse(line: line, clock: clock, cache: &cache, columns: &columns)
    }

    /// Values that repeat across thousands of jobs, parsed once per call.
    struct Cache {
        var states = Memo<JobState>()
        var reasons = Memo<JobReason>()
        var gres = Memo<[Gres]>()
        /// One shared copy of user, account, partition and QOS names.
        var strings = Memo<String>()
    }

    /// - Parameter columns: scratch storage reused line after line.
    static func parse(line: Substring, clock: SlurmClock, cache: inout Cache, columns: inout [Substring]) -> Job? {
        // Split on the first 24 `|` bytes; whatever follows, `|` included, is the name.
        columns.removeAll(keepingCapacity: true)
        let view = line.utf8
        var start = view.startIndex
        var index = start
        while index < view.endIndex && columns.count < fields.count - 1 {
            if view[index] == UInt8(ascii: "|") {
                columns.append(line[start..<index])
                start = view.index(after: index)
            }
            index = view.index(after: index)
        }
        guard columns.count == fields.count - 1, let jobID = decimal(columns[1].utf8) else { return nil }
        columns.append(line[start...])
        func text(_ index: Int) -> String? {
            columns[index].isSlurmNothing ? nil : String(columns[index])
        }
        func shared(_ index: Int) -> String? {
            columns[index].isSlurmNothing ? nil : cache.strings.value(columns[index], String.init)
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
        let gresText = columns[16]
        return Job(
            displayID: displayID,
            jobID: jobID,
            arrayJobID: arrayTask == nil ? nil : decimal(columns[2].utf8),
            arrayTask: arrayTask,
            hetJobID: hetJobID,
            hetOffset: hetOffset,
            name: String(columns[24]),
            user: cache.strings.value(columns[4], String.init),
            account: shared(5),
            partition: cache.strings.value(columns[6], String.init),
            qos: shared(7),
            state: cache.states.value(columns[8]) { JobState(rawValue: String($0)) },
            reason: cache.reasons.value(columns[9]) { JobReason(parsing: $0) },
            elapsed: SlurmDuration(parsing: columns[10]),
            timeLimit: SlurmDuration(parsing: columns[11]),
            timeLeft: SlurmDuration(parsing: columns[12]),
            nodeCount: decimal(columns[13].utf8) ?? 0,
            cpus: decimal(columns[14].utf8) ?? 0,
            memoryMB: MemorySize.megabytes(memory),
            memoryPerCPU: MemorySize.isPerCPU(memory),
            gres: gresText.isSlurmNothing ? [] : cache.gres.value(gresText) { Gres.parseList($0) },
            nodeList: text(17),
            submitTime: time(18),
            startTime: time(19),
            endTime: time(20),
            priority: decimal(columns[21].utf8),
            dependency: text(22),
            reservation: text(23)
        )
    }
}
