/// One compute node as `scontrol show node -o` describes it.
public struct Node: Sendable, Hashable {
    public var name: String
    public var state: NodeState
    public var cpusAllocated: Int
    public var cpusTotal: Int
    /// CPUs usable by jobs (`CPUEfctv`, Slurm 22.05+), the total on older versions.
    public var cpusEffective: Int
    /// One-minute load; nil when Slurm prints `N/A` (node not responding).
    public var cpuLoad: Double?
    public var memoryMB: Int
    public var memoryAllocatedMB: Int
    /// Free memory the node reports; nil when unknown.
    public var memoryFreeMB: Int?
    public var gres: [Gres]
    /// GRES in use, from `GresUsed=` (`scontrol -d`); when absent, GPU use comes from `AllocTRES`.
    public var gresUsed: [Gres]?
    public var gpusTotal: Int
    public var gpusUsed: Int
    public var features: [String]
    public var activeFeatures: [String]
    public var partitions: [String]
    public var reason: NodeReason?
    public var lastBusy: Int64?
    public var bootTime: Int64?
    public var architecture: String?
    public var operatingSystem: String?
    public var slurmVersion: String?

    public init(
        name: String, state: NodeState, cpusAllocated: Int = 0, cpusTotal: Int = 0, cpusEffective: Int? = nil,
        cpuLoad: Double? = nil, memoryMB: Int = 0, memoryAllocatedMB: Int = 0, memoryFreeMB: Int? = nil,
        gres: [Gres] = [], gresUsed: [Gres]? = nil, gpusUsed: Int? = nil, features: [String] = [],
        activeFeatures: [String]? = nil, partitions: [String] = [], reason: NodeReason? = nil, lastBusy: Int64? = nil,
        bootTime: Int64? = nil, architecture: String? = nil, operatingSystem: String? = nil, slurmVersion: String? = nil
    ) {
        self.name = name
        self.state = state
        self.cpusAllocated = cpusAllocated
        self.cpusTotal = cpusTotal
        self.cpusEffective = cpusEffective ?? cpusTotal
        self.cpuLoad = cpuLoad
        self.memoryMB = memoryMB
        self.memoryAllocatedMB = memoryAllocatedMB
        self.memoryFreeMB = memoryFreeMB
        self.gres = gres
        self.gresUsed = gresUsed
        self.gpusTotal = gres.gpuCount
        self.gpusUsed = gpusUsed ?? gresUsed?.gpuCount ?? 0
        self.features = features
        self.activeFeatures = activeFeatures ?? features
        self.partitions = partitions
        self.reason = reason
        self.lastBusy = lastBusy
        self.bootTime = bootTime
        self.architecture = architecture
        self.operatingSystem = operatingSystem
        self.slurmVersion = slurmVersion
    }

    /// CPUs the scheduler could still hand out here.
    public var cpusFree: Int { max(0, cpusEffective - cpusAllocated) }
    public var memoryUnallocatedMB: Int { max(0, memoryMB - memoryAllocatedMB) }
    public var gpusFree: Int { max(0, gpusTotal - gpusUsed) }
}

/// Why an admin or Slurm took a node out, with who and when (`bad DIMM [root@2026-11-24T19:40:17]`).
public struct NodeReason: Sendable, Hashable, Codable {
    public var text: String
    public var user: String?
    public var time: Int64?

    public init(text: String, user: String? = nil, time: Int64? = nil) {
        self.text = text
        self.user = user
        self.time = time
    }

    /// Splits the trailing `[user@time]` stamp off a reason when present.
    public init(parsing raw: String, clock: SlurmClock) {
        let trimmed = raw.trimmingSpaces()
        guard trimmed.hasSuffix("]"), let open = trimmed.lastIndex(of: "["),
            let at = trimmed[open...].firstIndex(of: "@")
        else {
            self.init(text: trimmed)
            return
        }
        let user = String(trimmed[trimmed.index(after: open)..<at])
        let time = clock.seconds(trimmed[trimmed.index(after: at)..<trimmed.index(before: trimmed.endIndex)])
        self.init(text: trimmed[..<open].trimmingSpaces(), user: user.isEmpty ? nil : user, time: time)
    }
}
