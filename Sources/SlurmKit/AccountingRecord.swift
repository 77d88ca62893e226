/// A finished job as `sacct -X -P` reports it: how recently ended jobs learn their final state and exit code.
public struct AccountingRecord: Sendable, Hashable {
    public var jobID: Int
    public var displayID: String
    public var state: JobState
    /// `3:0` is exit code 3; `0:9` is signal 9.
    public var exitCode: Int?
    public var signal: Int?
    public var elapsed: SlurmDuration
    public var endTime: Int64?

    public init(
        jobID: Int, displayID: String, state: JobState, exitCode: Int?, signal: Int?, elapsed: SlurmDuration,
        endTime: Int64?
    ) {
        self.jobID = jobID
        self.displayID = displayID
        self.state = state
        self.exitCode = exitCode
        self.signal = signal
        self.elapsed = elapsed
        self.endTime = endTime
    }
}

/// Reads `sacct -a -X -n -P -o JobIDRaw,JobID,State,ExitCode,Elapsed,End`.
public enum AccountingParser {
    public static let fields = "JobIDRaw,JobID,State,ExitCode,Elapsed,End"

    public static func parse(_ text: String, clock: SlurmClock) -> [AccountingRecord] {
        parse(Substring(text), clock: clock)
    }

    public static func parse(_ text: Substring, clock: SlurmClock) -> [AccountingRecord] {
        var records: [AccountingRecord] = []
        for line in lines(text) {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false)
            guard columns.count >= 6, let jobID = Int(columns[0]) else { continue }
            let codes = columns[3].split(separator: ":")
            records.append(
                AccountingRecord(
                    jobID: jobID,
                    displayID: String(columns[1]),
                    state: JobState(rawValue: String(columns[2])),
                    exitCode: codes.first.flatMap { Int($0) },
                    signal: codes.count > 1 ? Int(codes[1]) : nil,
                    elapsed: SlurmDuration(parsing: columns[4]),
                    endTime: clock.seconds(columns[5])
                )
            )
        }
        return records
    }
}
