/// Load and memory read on the node itself (`/proc/loadavg`, then `/proc/meminfo`), as `/inspect` shows them when
/// a live probe is configured: Slurm's own figures are as old as the last poll, and its load as old as slurmd's
/// last report.
public struct NodeVitals: Sendable, Hashable {
    /// Run-queue averages over 1, 5 and 15 minutes.
    public var loads: [Double]
    public var memoryTotalMB: Int
    /// What the kernel estimates new work could use without swapping (`MemAvailable`).
    public var memoryAvailableMB: Int

    public init(loads: [Double], memoryTotalMB: Int, memoryAvailableMB: Int) {
        self.loads = loads
        self.memoryTotalMB = memoryTotalMB
        self.memoryAvailableMB = memoryAvailableMB
    }

    /// Reads what `cat /proc/loadavg /proc/meminfo` prints; anything else around it (a login banner) is ignored.
    public init(parsing text: String) throws(NodeProbeError) {
        var loads: [Double]?
        var total: Int?
        var available: Int?
        var free = 0
        var reclaimable = 0
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if loads == nil, words.count == 5, words[3].contains("/"),
                case let numbers = words.prefix(3).compactMap({ Double($0) }), numbers.count == 3,
                numbers.allSatisfy({ $0 >= 0 && $0.isFinite })
            {
                loads = numbers
                continue
            }
            guard words.count >= 2, words.count <= 3, let colon = words[0].last, colon == ":",
                let kilobytes = Int(words[1]), kilobytes >= 0
            else { continue }
            let megabytes = kilobytes / 1024
            switch words[0] {
            case "MemTotal:": total = megabytes
            case "MemAvailable:": available = megabytes
            case "MemFree:": free = megabytes
            case "Buffers:", "Cached:", "SReclaimable:": reclaimable += megabytes
            default: break
            }
        }
        guard let loads else { throw NodeProbeError("no load averages in the probe's output") }
        guard let total, total > 0 else { throw NodeProbeError("no MemTotal in the probe's output") }
        self.loads = loads
        self.memoryTotalMB = total
        // Kernels before 3.14 print no MemAvailable; free plus caches is the usual estimate there.
        self.memoryAvailableMB = min(total, available ?? (free + reclaimable))
    }
}
