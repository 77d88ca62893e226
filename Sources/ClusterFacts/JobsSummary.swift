import SlurmKit

/// Running and waiting jobs of one scope (a partition or the whole cluster), as `/queue` and `/status` state them.
///
/// Running means holding resources (running, suspended, finishing, starting up), waiting means
/// `JobState.waiting`: the same words the history samples use, so `/queue` and `/status` count alike.
public struct JobsSummary: Sendable, Hashable, Codable {
    /// How many of the longest-running jobs are kept, per scope and per user in it.
    public static let longestKept = 10

    public var running = 0
    public var runningCPUs = 0
    public var runningGPUs = 0
    public var waiting = 0
    public var byUser: [String: UserJobs] = [:]
    /// The longest-running jobs, longest first (the earliest start; the lower job id on a tie).
    public var longestRunning: [RunningJob] = []

    public init() {}

    public struct UserJobs: Sendable, Hashable, Codable {
        public var running = 0
        public var cpus = 0
        public var gpus = 0
        public var waiting = 0
        public var waitingByReason: [String: Int] = [:]
        public var longestRunning: [RunningJob] = []

        public init() {}
    }

    public struct RunningJob: Sendable, Hashable, Codable {
        public var id: String
        public var user: String
        public var name: String
        public var startedAt: Int64
        /// What Slurm said was left of its time limit when the snapshot was taken; nil when unlimited.
        public var timeLeftSeconds: Int?
    }

    /// The summaries per scope, and the waiting jobs by reason per scope.
    static func compute(_ jobs: [Job]) -> (jobs: [String: JobsSummary], waitingByReason: [String: [String: Int]]) {
        var summaries: [String: JobsSummary] = [:]
        var reasons: [String: [String: Int]] = [:]
        var started: [String: [RunningJob]] = [:]
        var startedByUser: [String: [String: [RunningJob]]] = [:]
        for job in jobs {
            let running = job.state.holdsResources
            guard running || job.state.isPending else { continue }
            for scope in [PartitionUsage.allPartitions, job.homePartition] {
                var summary = summaries[scope, default: JobsSummary()]
                var user = summary.byUser[job.user, default: UserJobs()]
                if running {
                    summary.running += 1
                    summary.runningCPUs += job.cpus
                    summary.runningGPUs += job.gpus
                    user.running += 1
                    user.cpus += job.cpus
                    user.gpus += job.gpus
                    if let start = job.startTime {
                        let entry = RunningJob(
                            id: job.displayID, user: job.user, name: job.name, startedAt: start,
                            timeLeftSeconds: job.timeLeft.seconds)
                        started[scope, default: []].append(entry)
                        startedByUser[scope, default: [:]][job.user, default: []].append(entry)
                    }
                } else {
                    summary.waiting += 1
                    user.waiting += 1
                    user.waitingByReason[job.reason.code, default: 0] += 1
                    reasons[scope, default: [:]][job.reason.code, default: 0] += 1
                }
                summary.byUser[job.user] = user
                summaries[scope] = summary
            }
        }
        for (scope, entries) in started {
            summaries[scope]?.longestRunning = longest(entries)
            for (user, entries) in startedByUser[scope] ?? [:] {
                summaries[scope]?.byUser[user]?.longestRunning = longest(entries)
            }
        }
        return (summaries, reasons)
    }

    /// The `longestKept` earliest starts, without sorting them all (a big cluster runs tens of thousands).
    private static func longest(_ entries: [RunningJob]) -> [RunningJob] {
        func before(_ a: RunningJob, _ b: RunningJob) -> Bool {
            a.startedAt != b.startedAt ? a.startedAt < b.startedAt : naturalLess(a.id, b.id)
        }
        var kept: [RunningJob] = []
        for entry in entries {
            if kept.count == longestKept, let last = kept.last, !before(entry, last) { continue }
            let position = kept.firstIndex { before(entry, $0) } ?? kept.count
            kept.insert(entry, at: position)
            if kept.count > longestKept { kept.removeLast() }
        }
        return kept
    }
}
