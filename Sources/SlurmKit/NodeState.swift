/// A node's full state as `scontrol show node` prints it: a base state and every flag (`IDLE+DRAIN+NOT_RESPONDING`).
///
/// The one-letter suffixes of `sinfo` (`*`, `~`, `#`, `!`, `%`, `$`, `@`, `^`, `-`) lose information, so we never read
/// them. Unknown base states and flags are kept verbatim: a new Slurm release must never crash a poll.
public struct NodeState: Sendable, Hashable, CustomStringConvertible {
    public var base: Base
    public var flags: [Flag]

    public init(base: Base, flags: [Flag] = []) {
        self.base = base
        self.flags = flags
    }

    /// Parses `MIXED+PLANNED`, `DOWN+CLOUD+POWERED_DOWN`, `IDLE*` and the like.
    public init(parsing text: some StringProtocol) {
        var parts = text.trimmingSpaces().split(separator: "+").map(String.init)
        var extra: [Flag] = []
        if var first = parts.first {
            // `IDLE*` and friends from sinfo-style output: map the suffix to the flag it stands for.
            while let last = first.last, let flag = Flag(suffix: last) {
                extra.append(flag)
                first.removeLast()
            }
            parts[0] = first
        }
        base = Base(rawValue: parts.first ?? "UNKNOWN")
        flags = parts.dropFirst().filter { !$0.isEmpty }.map(Flag.init(rawValue:)) + extra.reversed()
    }

    public func has(_ flag: Flag) -> Bool {
        flags.contains(flag)
    }

    /// The canonical text, as Slurm prints it; this is what the store compares between polls.
    public var description: String {
        ([base.rawValue] + flags.map(\.rawValue)).joined(separator: "+")
    }

    /// Where the node is in power saving, whatever the version spells it: 20.11 printed `POWER` (and the sinfo
    /// suffixes `~`, `#`, `%`, `!`) for what 21.08 and later print `POWERED_DOWN`, `POWERING_UP`, `POWERING_DOWN`
    /// and `POWER_DOWN`.
    public var power: Power {
        if has(.poweringUp) { return .poweringUp }
        if has(.poweringDown) { return .poweringDown }
        if has(.poweredDown) || has(.power) { return .poweredDown }
        if has(.powerDown) { return .powerDownRequested }
        return .on
    }

    public enum Power: Sendable, Hashable {
        case on
        /// Off to save power; Slurm powers it up (ResumeProgram) when a job needs it.
        case poweredDown
        /// Being powered up for a job; it does not respond until slurmd registers.
        case poweringUp
        /// Being powered down; it can be powered up again once off.
        case poweringDown
        /// An admin asked for it to be powered down once idle (`POWER_DOWN`, 20.11's `!`).
        case powerDownRequested
    }

    /// Idle and off to save power, with nothing else keeping jobs away: Slurm powers it up for a job that needs
    /// it, so it counts as capacity, though not as free this minute.
    public var isReadyOnDemand: Bool {
        guard base == .idle, power == .poweredDown || power == .poweringDown else { return false }
        let blocking: Set<Flag> = [.drain, .fail, .planned, .reserved, .maintenance, .invalidRegistration]
        return flags.allSatisfy { !blocking.contains($0) }
    }

    /// The bucket a node counts in for dashboards and charts.
    public var category: NodeCategory {
        // A node powering up or powered down does not answer; that is not being down.
        let silentByDesign = has(.notResponding) && power != .on && power != .powerDownRequested
        if base == .down || has(.fail) || (has(.notResponding) && !silentByDesign) || base == .error { return .down }
        if has(.drain) { return base == .idle || base == .down ? .drained : .draining }
        switch base {
        case .allocated: return .allocated
        case .mixed: return .mixed
        case .idle:
            if has(.maintenance) || has(.reserved) || has(.planned) { return .reserved }
            if power != .on { return .other }
            return .idle
        default: return .other
        }
    }

    /// Whether the scheduler could start new work here now: drained, down, planned, reserved, maintenance,
    /// not-responding and powering nodes do not count.
    public var acceptsNewJobs: Bool {
        guard base == .idle || base == .mixed else { return false }
        let blocking: Set<Flag> = [
            .drain, .fail, .notResponding, .planned, .reserved, .maintenance, .poweredDown, .poweringDown,
            .powerDown, .poweringUp, .power, .rebootRequested, .rebootIssued, .invalidRegistration, .completing,
        ]
        return flags.allSatisfy { !blocking.contains($0) }
    }

    /// Slurm's base node states.
    public struct Base: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

        public static let idle = Base(rawValue: "IDLE")
        public static let mixed = Base(rawValue: "MIXED")
        public static let allocated = Base(rawValue: "ALLOCATED")
        public static let down = Base(rawValue: "DOWN")
        public static let error = Base(rawValue: "ERROR")
        public static let future = Base(rawValue: "FUTURE")
        public static let unknown = Base(rawValue: "UNKNOWN")

        /// Whether this is one of the states Slurm documents (others are shown verbatim).
        public var isKnown: Bool {
            [Base.idle, .mixed, .allocated, .down, .error, .future, .unknown].contains(self)
        }
    }

    /// Node state flags, as `scontrol` spells them.
    public struct Flag: RawRepresentable, Sendable, Hashable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

        public static let drain = Flag(rawValue: "DRAIN")
        public static let notResponding = Flag(rawValue: "NOT_RESPONDING")
        public static let completing = Flag(rawValue: "COMPLETING")
        public static let maintenance = Flag(rawValue: "MAINTENANCE")
        public static let reserved = Flag(rawValue: "RESERVED")
        public static let planned = Flag(rawValue: "PLANNED")
        public static let fail = Flag(rawValue: "FAIL")
        public static let cloud = Flag(rawValue: "CLOUD")
        public static let poweredDown = Flag(rawValue: "POWERED_DOWN")
        public static let poweringDown = Flag(rawValue: "POWERING_DOWN")
        public static let poweringUp = Flag(rawValue: "POWERING_UP")
        public static let powerDown = Flag(rawValue: "POWER_DOWN")
        /// 20.11's spelling of powered down (`IDLE+CLOUD+POWER`).
        public static let power = Flag(rawValue: "POWER")
        public static let rebootRequested = Flag(rawValue: "REBOOT_REQUESTED")
        public static let rebootIssued = Flag(rawValue: "REBOOT_ISSUED")
        public static let invalidRegistration = Flag(rawValue: "INVALID_REG")
        public static let dynamicFuture = Flag(rawValue: "DYNAMIC_FUTURE")
        public static let dynamicNormal = Flag(rawValue: "DYNAMIC_NORM")

        /// The flag behind one of sinfo's one-character suffixes.
        init?(suffix: Character) {
            switch suffix {
            case "*": self = .notResponding
            case "~": self = .poweredDown
            case "#": self = .poweringUp
            case "%": self = .poweringDown
            case "!": self = .powerDown
            case "$": self = .maintenance
            case "@": self = .rebootRequested
            case "^": self = .rebootIssued
            case "-": self = .planned
            default: return nil
            }
        }

        /// Whether this flag is one Slurm documents (others are shown verbatim).
        public var isKnown: Bool {
            [
                Flag.drain, .notResponding, .completing, .maintenance, .reserved, .planned, .fail, .cloud,
                .poweredDown, .poweringDown, .poweringUp, .powerDown, .power, .rebootRequested, .rebootIssued,
                .invalidRegistration, .dynamicFuture, .dynamicNormal,
            ].contains(self)
        }
    }
}

/// The buckets nodes are counted in: what `/status` colours and `/history` stacks.
public enum NodeCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case idle, mixed, allocated, draining, drained, down, reserved, other

    /// The words a person reads.
    public var label: String {
        switch self {
        case .idle: "idle"
        case .mixed: "mixed"
        case .allocated: "allocated"
        case .draining: "draining"
        case .drained: "drained"
        case .down: "down"
        case .reserved: "reserved/maint"
        case .other: "other"
        }
    }
}
