/// A job's state as squeue and sacct spell it, with plain words for people.
public struct JobState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts the long names and sacct's `CANCELLED by 1001`.
    public init(rawValue: String) {
        let word = rawValue.split(separator: " ").first.map(String.init) ?? rawValue
        self.rawValue = JobState.shortNames[word] ?? word.uppercased()
    }

    public static let pending = JobState(rawValue: "PENDING")
    public static let running = JobState(rawValue: "RUNNING")
    public static let suspended = JobState(rawValue: "SUSPENDED")
    public static let completing = JobState(rawValue: "COMPLETING")
    public static let completed = JobState(rawValue: "COMPLETED")
    public static let cancelled = JobState(rawValue: "CANCELLED")
    public static let failed = JobState(rawValue: "FAILED")
    public static let timeout = JobState(rawValue: "TIMEOUT")
    public static let nodeFail = JobState(rawValue: "NODE_FAIL")
    public static let preempted = JobState(rawValue: "PREEMPTED")
    public static let bootFail = JobState(rawValue: "BOOT_FAIL")
    public static let deadline = JobState(rawValue: "DEADLINE")
    public static let outOfMemory = JobState(rawValue: "OUT_OF_MEMORY")
    public static let configuring = JobState(rawValue: "CONFIGURING")
    public static let requeued = JobState(rawValue: "REQUEUED")

    public var description: String { rawValue }

    /// Whether the job has ended for good; its final state and exit code will not change.
    public var isFinal: Bool {
        JobState.finalStates.contains(rawValue)
    }

    public var isPending: Bool { Self.waiting.contains(self) }
    /// The states of a job waiting to start.
    public static let waiting = [
        JobState.pending, JobState(rawValue: "REQUEUE_HOLD"), JobState(rawValue: "REQUEUE_FED"),
    ]
    /// Holding resources now (running, suspended, finishing, starting up).
    public var holdsResources: Bool {
        switch rawValue {
        case "RUNNING", "SUSPENDED", "COMPLETING", "CONFIGURING", "STAGE_OUT", "SIGNALING", "RESIZING", "STOPPED": true
        default: false
        }
    }

    /// The state in words a researcher reads.
    public var plainWords: String {
        JobState.words[rawValue] ?? rawValue.lowercased().replacingUnderscores()
    }

    static let finalStates: Set<String> = [
        "COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE",
        "OUT_OF_MEMORY", "REVOKED", "SPECIAL_EXIT",
    ]

    static let words: [String: String] = [
        "PENDING": "waiting to start",
        "RUNNING": "running",
        "SUSPENDED": "suspended",
        "COMPLETING": "finishing up",
        "COMPLETED": "completed successfully",
        "CANCELLED": "cancelled",
        "FAILED": "failed (non-zero exit)",
        "TIMEOUT": "hit its time limit",
        "NODE_FAIL": "killed by a node failure",
        "PREEMPTED": "preempted by another job",
        "BOOT_FAIL": "node failed to boot",
        "DEADLINE": "missed its deadline",
        "OUT_OF_MEMORY": "ran out of memory",
        "CONFIGURING": "starting (nodes being prepared)",
        "REQUEUED": "requeued",
        "REQUEUE_HOLD": "requeued and held",
        "REQUEUE_FED": "requeued by the federation",
        "RESIZING": "resizing",
        "REVOKED": "revoked (ran on another cluster)",
        "SIGNALING": "being signalled",
        "SPECIAL_EXIT": "ended with a special exit state",
        "STAGE_OUT": "staging out data",
        "STOPPED": "stopped",
        "RESV_DEL_HOLD": "held (its reservation was deleted)",
    ]

    static let shortNames: [String: String] = [
        "PD": "PENDING", "R": "RUNNING", "S": "SUSPENDED", "CG": "COMPLETING", "CD": "COMPLETED", "CA": "CANCELLED",
        "F": "FAILED", "TO": "TIMEOUT", "NF": "NODE_FAIL", "PR": "PREEMPTED", "BF": "BOOT_FAIL", "DL": "DEADLINE",
        "OOM": "OUT_OF_MEMORY", "CF": "CONFIGURING", "RQ": "REQUEUED", "RH": "REQUEUE_HOLD", "RF": "REQUEUE_FED",
        "RS": "RESIZING", "RV": "REVOKED", "SI": "SIGNALING", "SE": "SPECIAL_EXIT", "SO": "STAGE_OUT", "ST": "STOPPED",
    ]
}

extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
