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
    /// The largest resident memory any of its steps reached (sacct's MaxRSS, sampled by Slurm every few seconds);
    /// nil when no step reported one.
    public var peakMemoryMB: Int?
    /// CPU time its steps used (sacct's TotalCPU, user and system), in whole seconds; nil when not reported.
    public var cpuSeconds: Int?

    public init(
        jobID: Int, displayID: String, state: JobState, exitCode: Int?, signal: Int?, elapsed: SlurmDuration,
        endTime: Int64?, peakMemoryMB: Int? = nil, cpuSeconds: Int? = nil
    ) {
        self.peakMemoryMB = peakMemoryMB
        self.cpuSeconds = cpuSeconds
        self.jobID = jobID
        self.displayID = displayID
        self.state = state
        self.exitCode = exitCode
        self.signal = signal
        self.elapsed = elapsed
        self.endTime = endTime
    }
}

/// Reads `sacct -a -n -P -o JobIDRaw,JobID,State,ExitCode,Elapsed,End,MaxRSS,TotalCPU`: one record per job from
/// its allocation line (whose TotalCPU is its steps' sum), with the highest MaxRSS of its step lines (`12.batch`,
/// `12.0`) as its peak memory. Older output without the last columns (`-X`, six fields; seven without TotalCPU)
/// reads the same, without peaks or CPU time.
public enum AccountingParser {
    public static let fields = "JobIDRaw,JobID,State,ExitCode,Elapsed,End,MaxRSS,TotalCPU"
    /// What `sacct -c` (the job completion log, on clusters without slurmdbd) can give: the same, without MaxRSS.
    public static let completionFields = "JobIDRaw,JobID,State,ExitCode,Elapsed,End"

    public static func parse(_ text: String, clock: SlurmClock) -> [AccountingRecord] {
        parse(Substring(text), clock: clock)
    }

    public static func parse(_ text: Substring, clock: SlurmClock) -> [AccountingRecord] {
        let all = lines(text)
        var records: [AccountingRecord] = []
        records.reserveCapacity(all.count)
        var states = Memo<JobState>()
        var columns: [Substring] = []
        var peaks: [Int: Int] = [:]
        for line in all {
            columns.removeAll(keepingCapacity: true)
            var start = line.startIndex
            var index = start
            let view = line.utf8
            while index < view.endIndex {
                if view[index] == UInt8(ascii: "|") {
                    columns.append(line[start..<index])
                    start = view.index(after: index)
                }
                index = view.index(after: index)
            }
            columns.append(line[start...])
            guard columns.count >= 6 else { continue }
            if let dot = columns[0].firstIndex(of: ".") {
                if columns.count >= 7, let jobID = decimal(columns[0][..<dot].utf8),
                    let peak = MemorySize.megabytes(columns[6]), peak > 0
                {
                    peaks[jobID] = max(peaks[jobID] ?? 0, peak)
                }
                continue
            }
            guard let jobID = decimal(columns[0].utf8) else { continue }
            let codes = columns[3].split(separator: ":")
            records.append(
                AccountingRecord(
                    jobID: jobID,
                    displayID: String(columns[1]),
                    state: states.value(columns[2]) { JobState(rawValue: String($0)) },
                    exitCode: codes.first.flatMap { decimal($0.utf8) },
                    signal: codes.count > 1 ? decimal(codes[1].utf8) : nil,
                    elapsed: SlurmDuration(parsing: columns[4]),
                    endTime: clock.seconds(columns[5]),
                    cpuSeconds: columns.count >= 8 ? Self.cpuTime(columns[7]) : nil
                )
            )
        }
        if !peaks.isEmpty {
            for index in records.indices { records[index].peakMemoryMB = peaks[records[index].jobID] }
        }
        return records
    }

    /// TotalCPU as sacct prints it: `[D-][HH:]MM:SS[.mmm]` (`00:00.012`, `01:02:03`, `1-00:00:00`); the fraction
    /// is dropped.
    public static func cpuTime(_ text: Substring) -> Int? {
        let whole = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? text
        guard !whole.isEmpty else { return nil }
        return SlurmDuration(parsing: whole).seconds
    }
}
