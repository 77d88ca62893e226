import SlurmKit
import WallTime

/// How well an ended job used what it asked for, seff-style, from accounting: the share of its CPUs' time it
/// spent computing, its peak memory against the request, its run time against the limit, and the GPUs it held.
/// Advice is given only where this job's own figures show the request was far too large, and only as what they
/// support: a smaller request that would still have fitted with room to spare.
public struct Efficiency: Sendable, Hashable {
    public var line: String
    /// `--mem=8G -c 8`-style options that would have fitted this job with room to spare; nil when the request
    /// was not far off.
    public var smallerRequest: String?

    /// Nil when too little is known to say anything (no elapsed time, or a job that ran for under a minute).
    public init?(_ end: JobEnd) {
        let job = end.job
        guard let elapsed = end.elapsed, elapsed >= 60 else { return nil }
        var parts: [String] = []
        var advice: [String] = []
        let cpus = max(1, job.cpus)
        if let used = end.cpuSeconds {
            let share = Double(used) / (Double(cpus) * Double(elapsed))
            parts.append("CPU \(Self.percent(share)) of \(cpus) CPU\(cpus == 1 ? "" : "s")")
            let needed = share.isFinite && share < 1 ? Int((Double(cpus) * share * 1.5).rounded(.up)) : cpus
            if cpus >= 2, share < 0.25, needed < cpus { advice.append("-c \(max(1, needed))") }
        }
        if let peak = end.peakMemoryMB, let asked = Self.requestedMemoryMB(job), asked > 0 {
            parts.append("memory \(Self.size(peak)) of \(Self.size(asked)) at peak")
            // Half again the peak, rounded up to whole GB: what the job needed with room to spare.
            let enough = peak < Int.max / 4 ? (peak * 3 / 2 + 1023) / 1024 : Int.max / 1024
            if asked >= 1024, peak < asked / 4, enough < asked / 1024 { advice.append("--mem=\(max(1, enough))G") }
        }
        if let limit = job.timeLimit.seconds, limit > 0 {
            parts.append("\(DurationWords.text(elapsed)) of a \(DurationWords.text(limit)) limit")
            let enough = Int((Double(elapsed) * 1.5).rounded(.up))
            if limit >= 3600, elapsed < limit / 4, end.state == .completed {
                advice.append("-t \(SlurmDuration.format(((enough + 299) / 300) * 300))")
            }
        }
        if job.gpus > 0 { parts.append("\(job.gpus) GPU\(job.gpus == 1 ? "" : "s") held") }
        guard !parts.isEmpty else { return nil }
        line = parts.joined(separator: " · ")
        smallerRequest = advice.isEmpty ? nil : advice.joined(separator: " ")
    }

    /// Memory asked in all: per node times nodes, or per CPU times CPUs.
    static func requestedMemoryMB(_ job: Job) -> Int? {
        guard let memory = job.memoryMB else { return nil }
        let (total, overflow) = memory.multipliedReportingOverflow(
            by: job.memoryPerCPU ? max(1, job.cpus) : max(1, job.nodeCount))
        return overflow ? nil : total
    }

    static func percent(_ share: Double) -> String {
        let value = share.isFinite ? min(share * 100, 1e6) : 0
        return value < 1 && value > 0 ? "<1 %" : "\(Int(value.rounded())) %"
    }

    static func size(_ megabytes: Int) -> String {
        let gigabytes = Double(megabytes) / 1024
        if megabytes < 1024 { return "\(megabytes) MB" }
        if gigabytes >= 10 || megabytes % 1024 == 0 { return "\(Int(gigabytes.rounded())) GB" }
        return "\((gigabytes * 10).rounded() / 10) GB"
    }
}
