/// Why a job pends (or why it ended), as squeue's `%r` prints it, with plain words.
///
/// The code is the part before `, ` or `(` when that part is one word, as Slurm's codes are:
/// `ReqNodeNotAvail, UnavailableNodes:n4` has code `ReqNodeNotAvail` and detail `UnavailableNodes:n4`. A sentence
/// (`Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions`) is kept whole:
/// its comma is punctuation, not a separator. The `QOS…` and `Assoc…` families (dozens of limit codes) get family
/// wording.
public struct JobReason: Sendable, Hashable {
    public var raw: String
    public var code: String
    public var detail: String?

    public init(parsing text: some StringProtocol) {
        let trimmed = text.trimmingSpaces()
        raw = trimmed
        var stop = trimmed.firstIndex { $0 == "," || $0 == "(" } ?? trimmed.endIndex
        if trimmed[..<stop].contains(" ") { stop = trimmed.endIndex }
        code = String(trimmed[..<stop])
        let rest = trimmed[stop...].drop { $0 == "," || $0 == " " || $0 == "(" }
        let detailText = rest.hasSuffix(")") ? String(rest.dropLast()) : String(rest)
        detail = detailText.isEmpty ? nil : detailText
    }

    /// No reason worth showing (`None`, empty).
    public var isNone: Bool { code.isEmpty || code == "None" || code == "(null)" }

    /// The reason in words a researcher reads, with the detail appended when it helps.
    public var plainWords: String {
        let words = JobReason.words(for: code)
        guard let detail else { return words }
        return "\(words) (\(detail))"
    }

    /// Words for a reason code; unknown codes are shown as they are.
    public static func words(for code: String) -> String {
        if let known = table[code] { return known }
        if code.hasPrefix("QOS") {
            if code.contains("Grp") { return "your QOS group has hit a limit (\(code))" }
            return "over a QOS limit (\(code))"
        }
        if code.hasPrefix("Assoc") {
            if code.contains("Grp") { return "your account's group has hit a limit (\(code))" }
            return "over your account's limit (\(code))"
        }
        if code.hasPrefix("MaxCpuPer") || code.hasPrefix("MaxMemPer") || code.hasPrefix("MinCpuPer") {
            return "request outside the partition's per-node limits (\(code))"
        }
        return code
    }

    static let table: [String: String] = [
        "None": "no reason given",
        "Resources": "waiting for free resources",
        "Priority": "lower priority than other waiting jobs",
        "Dependency": "dependency not met yet",
        "DependencyNeverSatisfied": "dependency can never be met",
        "BeginTime": "start time not reached yet",
        "JobHeldUser": "held by its owner",
        "JobHeldAdmin": "held by an admin",
        "PartitionDown": "partition is down",
        "PartitionInactive": "partition is inactive",
        "PartitionNodeLimit": "asks for more nodes than the partition allows",
        "PartitionTimeLimit": "asks for more time than the partition allows",
        "PartitionConfig": "request does not fit the partition's configuration",
        "ReqNodeNotAvail": "a requested node is not available",
        "NodeDown": "a node it needs is down",
        "BadConstraints": "constraints cannot be satisfied",
        "JobArrayTaskLimit": "array task limit reached (%-throttle)",
        "Reservation": "waiting for its reservation",
        "Licenses": "waiting for licenses",
        "Prolog": "prolog running",
        "Cleaning": "being requeued, previous run still cleaning up",
        "launch failed requeued held": "launch failed, requeued and held",
        "JobLaunchFailure": "launch failed",
        "NonZeroExitCode": "exited with a non-zero code",
        "TimeLimit": "hit its time limit",
        "OutOfMemory": "ran out of memory",
        "InvalidQOS": "invalid QOS",
        "InvalidAccount": "invalid account",
        "AccountNotAllowed": "account not allowed in this partition",
        "QOSNotAllowed": "QOS not allowed in this partition",
        "FrontEndDown": "front-end node down",
        "SystemFailure": "Slurm or system failure",
        "BurstBufferResources": "waiting for burst buffer space",
        "BurstBufferStageIn": "staging in burst buffer data",
        "BurstBufferOperation": "burst buffer operation failed",
        "PowerNotAvail": "waiting for power budget",
        "FedJobLock": "waiting for the federation",
        "InactiveLimit": "hit the inactivity limit",
        "MaxRequeueLimit": "requeued too many times",
        "ReqNodeNotAvailable": "a requested node is not available",
        "Deadline": "missed its deadline",
        "NodeDownDrain": "a node it needs is down or drained",
    ]
}
