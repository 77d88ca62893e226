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

        mutating func add(_ other: UserJobs) {
            running += other.running
            cpus += other.cpus
            gpus += other.gpus
            waiting += other.waiting
            waitingByReason.merge(other.waitingByReason, uniquingKeysWith: +)
            for job in other.longestRunning { JobsSummary.keep(job, in: &longestRunning) }
        }

        mutating func countRunning(cpus: Int, gpus: Int, startedAt: Int64?, entry: (Int64) -> RunningJob) {
            running += 1
            self.cpus += cpus
            self.gpus += gpus
            guard let startedAt else { return }
            if longestRunning.count == JobsSummary.longestKept, let last = longestRunning.last,
                last.startedAt < startedAt
            {
                return
            }
            JobsSummary.keep(entry(startedAt), in: &longestRunning)
        }

        /// - Parameter tasks: how many jobs the line stands for (a pending array remainder's tasks).
        mutating func countWaiting(reason: String, tasks: Int = 1) {
            waiting += tasks
            waitingByReason[reason, default: 0] += tasks
        }
    }

    /// Stored as `[id, user, name, startedAt, timeLeftSeconds]`: thousands of them on a big cluster, and naming
    /// each field in each one made them a third of the facts' encoding time.
    public struct RunningJob: Sendable, Hashable, Codable {
        public var id: String
        public var user: String
        public var name: String
        public var startedAt: Int64
        /// What Slurm said was left of its time limit when the snapshot was taken; nil when unlimited.
        public var timeLeftSeconds: Int?

        init(id: String, user: String, name: String, startedAt: Int64, timeLeftSeconds: Int?) {
            self.id = id
            self.user = user
            self.name = name
            self.startedAt = startedAt
            self.timeLeftSeconds = timeLeftSeconds
        }

        public init(from decoder: any Decoder) throws {
            var fields = try decoder.unkeyedContainer()
            id = try fields.decode(String.self)
            user = try fields.decode(String.self)
            name = try fields.decode(String.self)
            startedAt = try fields.decode(Int64.self)
            timeLeftSeconds = try fields.decodeIfPresent(Int.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var fields = encoder.unkeyedContainer()
            try fields.encode(id)
            try fields.encode(user)
            try fields.encode(name)
            try fields.encode(startedAt)
            if let timeLeftSeconds { try fields.encode(timeLeftSeconds) }
        }
    }

    /// The summaries per scope, and the waiting jobs by reason per scope.
    ///
    /// Jobs are counted once per (partition, user), then those groups are added up per scope: tens of thousands
    /// of jobs cost one hash each, the scopes only as many as there are groups.
    static func compute(_ jobs: [Job]) -> (jobs: [String: JobsSummary], waitingByReason: [String: [String: Int]]) {
        struct Group: Hashable {
            var partition: String
            var user: String
        }
        var index: [Group: Int] = [:]
        var groups: [(group: Group, jobs: UserJobs)] = []
        var kinds: [JobState: Bool?] = [:]
        // Through a buffer: a for-in over the jobs would copy each one, retaining its dozen strings.
        jobs.withUnsafeBufferPointer { jobs in
            for position in jobs.indices {
                let state = jobs[position].state
                let running: Bool
                if let known = kinds[state] {
                    guard let known else { continue }
                    running = known
                } else {
                    let kind: Bool? = state.holdsResources ? true : state.isPending ? false : nil
                    kinds[state] = kind
                    guard let kind else { continue }
                    running = kind
                }
                let group = Group(partition: Job.homePartition(of: jobs[position].partition), user: jobs[position].user)
                let slot = index[group] ?? groups.count
                if slot == groups.count {
                    index[group] = slot
                    groups.append((group, UserJobs()))
                }
                // Field by field: passing the job itself copies it.
                if running {
                    groups[slot].jobs.countRunning(
                        cpus: jobs[position].cpus,
                        gpus: jobs[position].gpus,
                        startedAt: jobs[position].startTime
                    ) {
                        RunningJob(
                            id: jobs[position].displayID, user: jobs[position].user, name: jobs[position].name,
                            startedAt: $0, timeLeftSeconds: jobs[position].timeLeft.seconds)
                    }
                } else {
                    groups[slot].jobs.countWaiting(
                        reason: jobs[position].reason.code,
                        tasks: jobs[position].arrayTask == nil ? 1 : jobs[position].taskCount)
                }
            }
        }
        var summaries: [String: JobsSummary] = [:]
        var reasons: [String: [String: Int]] = [:]
        for (group, jobs) in groups {
            for scope in [PartitionUsage.allPartitions, group.partition] {
                summaries[scope, default: JobsSummary()].add(jobs, of: group.user)
                reasons[scope, default: [:]].merge(jobs.waitingByReason, uniquingKeysWith: +)
            }
        }
        return (summaries, reasons)
    }

    /// Adds one user's jobs of one partition to this scope.
    private mutating func add(_ jobs: UserJobs, of user: String) {
        running += jobs.running
        runningCPUs += jobs.cpus
        runningGPUs += jobs.gpus
        waiting += jobs.waiting
        byUser[user, default: UserJobs()].add(jobs)
        for job in jobs.longestRunning { Self.keep(job, in: &longestRunning) }
    }

    /// Keeps `entry` among the `longestKept` earliest starts in `kept`, longest first (the earliest start, the
    /// lower job id on a tie), without sorting all (a big cluster runs tens of thousands).
    static func keep(_ entry: RunningJob, in kept: inout [RunningJob]) {
        func before(_ a: RunningJob, _ b: RunningJob) -> Bool {
            a.startedAt != b.startedAt ? a.startedAt < b.startedAt : naturalLess(a.id, b.id)
        }
        if kept.count == longestKept, let last = kept.last, !before(entry, last) { return }
        let position = kept.firstIndex { before(entry, $0) } ?? kept.count
        kept.insert(entry, at: position)
        if kept.count > longestKept { kept.removeLast() }
    }
}
