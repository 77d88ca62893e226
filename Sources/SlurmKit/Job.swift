/// One line of `squeue -t all` in the format of `JobParser.format`.
public struct Job: Sendable, Hashable {
    /// The id as shown (`123`, `123_4`, `123_[5-10%2]`, `123+1`).
    public var displayID: String
    /// The unique job id (`%A`); the key every table uses.
    public var jobID: Int
    public var arrayJobID: Int?
    /// `4` for a task, `5-10%2` for the pending remainder of an array.
    public var arrayTask: String?
    public var hetJobID: Int?
    public var hetOffset: Int?
    public var name: String
    public var user: String
    public var account: String?
    public var partition: String
    public var qos: String?
    public var state: JobState
    public var reason: JobReason
    public var elapsed: SlurmDuration
    public var timeLimit: SlurmDuration
    public var timeLeft: SlurmDuration
    public var nodeCount: Int
    public var cpus: Int
    /// Memory requested per node (or per CPU when `memoryPerCPU`), in MB.
    public var memoryMB: Int?
    public var memoryPerCPU: Bool
    /// GRES asked per node (`gpu:a100:2`).
    public var gres: [Gres]
    /// GPUs asked per job or per task, and the TRES the job holds (the poll's `jobtres` section); nil when those
    /// fields name no GPU or the poll did not read them.
    public var tres: JobTRES?
    public var nodeList: String?
    public var submitTime: Int64?
    public var startTime: Int64?
    public var endTime: Int64?
    public var priority: Int?
    public var dependency: String?
    public var reservation: String?

    public init(
        displayID: String, jobID: Int, arrayJobID: Int? = nil, arrayTask: String? = nil, hetJobID: Int? = nil,
        hetOffset: Int? = nil, name: String, user: String, account: String? = nil, partition: String,
        qos: String? = nil, state: JobState, reason: JobReason = JobReason(parsing: "None"),
        elapsed: SlurmDuration = .seconds(0), timeLimit: SlurmDuration = .unlimited,
        timeLeft: SlurmDuration = .unknown("N/A"), nodeCount: Int = 1, cpus: Int = 1, memoryMB: Int? = nil,
        memoryPerCPU: Bool = false, gres: [Gres] = [], nodeList: String? = nil, submitTime: Int64? = nil,
        startTime: Int64? = nil, endTime: Int64? = nil, priority: Int? = nil, dependency: String? = nil,
        reservation: String? = nil, tres: JobTRES? = nil
    ) {
        self.displayID = displayID
        self.jobID = jobID
        self.arrayJobID = arrayJobID
        self.arrayTask = arrayTask
        self.hetJobID = hetJobID
        self.hetOffset = hetOffset
        self.name = name
        self.user = user
        self.account = account
        self.partition = partition
        self.qos = qos
        self.state = state
        self.reason = reason
        self.elapsed = elapsed
        self.timeLimit = timeLimit
        self.timeLeft = timeLeft
        self.nodeCount = nodeCount
        self.cpus = cpus
        self.memoryMB = memoryMB
        self.memoryPerCPU = memoryPerCPU
        self.gres = gres
        self.nodeList = nodeList
        self.submitTime = submitTime
        self.startTime = startTime
        self.endTime = endTime
        self.priority = priority
        self.dependency = dependency
        self.reservation = reservation
        self.tres = tres
    }

    /// GPUs this job holds or asks for in total: what its TRES say (`--gpus`, `--gpus-per-task`, tracked
    /// `gres/gpu`), else the per-node request times nodes.
    public var gpus: Int { tres?.gpus ?? saturating(gres.gpuCount, times: max(1, nodeCount)) }

    /// GPUs per type (`a100: 2`), typed TRES first, else the typed per-node request times nodes; untyped GPUs are
    /// not in it.
    public var gpusByType: [Gres] {
        if let typed = tres?.gpusByType, !typed.isEmpty { return typed }
        return gres.filter { $0.isGPU && $0.type != nil }.map {
            Gres(name: "gpu", type: $0.type, count: saturating($0.count, times: max(1, nodeCount)))
        }
    }

    /// The partition the job counts in: a job submitted to several (`-p a,b`) counts in the first until it
    /// starts, when Slurm lists the one it runs in.
    public var homePartition: String { Self.homePartition(of: partition) }

    /// `homePartition` from the partition field alone: loops over many jobs call this rather than the property,
    /// which copies the whole job when it is not inlined.
    public static func homePartition(of partition: String) -> String {
        partition.contains(",") ? String(partition.prefix { $0 != "," }) : partition
    }

    /// Whether this line stands for several not-yet-started array tasks (`123_[5-10%2]`).
    public var isPendingArrayRemainder: Bool { arrayTask?.contains(where: { !$0.isNumber }) ?? false }
}

extension Job {
    /// How many jobs this line stands for: the tasks of a pending array remainder (`123_[9201-10000%500]` is 800),
    /// else one.
    public var taskCount: Int {
        guard let arrayTask, isPendingArrayRemainder else { return 1 }
        return ArrayTasks.count(arrayTask) ?? 1
    }

    /// At most this many of the array's tasks run at once (`%500`), when Slurm prints a limit.
    public var arrayThrottle: Int? {
        guard let arrayTask, let percent = arrayTask.lastIndex(of: "%") else { return nil }
        return Int(arrayTask[arrayTask.index(after: percent)...].filter { $0 != "]" })
    }
}

/// Slurm's array index expressions as squeue prints a pending remainder: `5-10`, `[1,3,5-7]`, `0-20:2%4`.
public enum ArrayTasks {
    /// The number of indexes; nil when the text is not such an expression.
    public static func count(_ text: String) -> Int? {
        var body = Substring(text)
        if let percent = body.lastIndex(of: "%") { body = body[..<percent] }
        body = body.drop { $0 == "[" }
        while body.last == "]" { body = body.dropLast() }
        var total = 0
        for item in body.split(separator: ",", omittingEmptySubsequences: false) {
            let stepped = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let step = stepped.count == 2 ? Int(stepped[1]) : 1
            let bounds = stepped[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard let step, step > 0, let first = Int(bounds[0]), first >= 0 else { return nil }
            let last = bounds.count == 2 ? Int(bounds[1]) : first
            guard let last, last >= first else { return nil }
            total += (last - first) / step + 1
            // Slurm's MaxArraySize is at most 4,000,001: anything larger is not an array it printed.
            guard total <= 4_000_001 else { return nil }
        }
        return total > 0 ? total : nil
    }
}
