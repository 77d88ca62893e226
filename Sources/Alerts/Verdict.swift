import SlurmKit
import WallTime

/// One sentence on why a job ended as it did, and what to do about it, when the data allows one; nil otherwise.
/// Rules, not guesses: each one names the figures it rests on.
public enum Verdict {
    public static func of(_ end: JobEnd) -> String? {
        let job = end.job
        guard let state = end.state else {
            return "It left the queue between two polls and accounting did not say how it ended."
        }
        let ran = end.elapsed.map { DurationWords.text($0) }
        switch state {
        case .outOfMemory:
            var text = "Ran out of memory"
            if let asked = job.memoryMB {
                text += ": it asked for \(megabytes(asked))\(job.memoryPerCPU ? " per CPU" : "")"
            }
            if let peak = end.peakMemoryMB { text += "; the most Slurm saw it use was \(megabytes(peak))" }
            return text + ". Ask for more with --mem, or use less."
        case .timeout:
            let limit = job.timeLimit.seconds.map { " of \(DurationWords.text($0))" } ?? ""
            return "Hit its time limit\(limit)" + (ran.map { " (ran \($0))" } ?? "")
                + ". Ask for more with --time, or save progress as it goes."
        case .nodeFail:
            return
                "Its node\(job.nodeCount > 1 ? "s" : "") \(job.nodeList ?? "") failed; nothing in the job caused it. "
                + "Submit it again (or use --requeue)."
        case .bootFail:
            return "Its node failed to boot; nothing in the job caused it. Submit it again."
        case .preempted:
            return "Preempted by a job with higher priority."
        case .failed:
            if end.signal == 9 {
                return "Killed (signal 9)"
                    + (job.memoryMB.map { ": often the memory limit (it asked for \(megabytes($0)))" } ?? "") + "."
            }
            if let seconds = end.elapsed, seconds < 60 {
                return "Failed after \(seconds) s"
                    + (end.exitCode.map { " with exit code \($0)" } ?? "")
                    + ": most likely an error in the script or its environment. Check the job's output file."
            }
            return end.exitCode.map { "Exited with code \($0)." }
        case .completed:
            if let seconds = end.elapsed, let limit = job.timeLimit.seconds, limit >= 3600, seconds * 10 < limit {
                return "Used \(DurationWords.text(max(seconds, 1))) of its \(DurationWords.text(limit)) limit: "
                    + "a limit closer to that would let the scheduler start it sooner."
            }
            if let peak = end.peakMemoryMB, let asked = perNode(job), asked >= 2048, peak * 4 < asked {
                return "Used at most \(megabytes(peak)) of the \(megabytes(asked)) per node it asked for: asking for "
                    + "less would let it start sooner."
            }
            return nil
        default:
            return nil
        }
    }

    /// The memory asked for per node (a per-CPU request times the CPUs on each node).
    static func perNode(_ job: Job) -> Int? {
        guard let memory = job.memoryMB else { return nil }
        return job.memoryPerCPU ? memory * max(1, job.cpus / max(1, job.nodeCount)) : memory
    }

    static func megabytes(_ value: Int) -> String {
        if value >= 1024 && value % 1024 == 0 { return "\(value / 1024) GB" }
        if value >= 10_240 { return "\(value / 1024) GB" }
        if value >= 1024 { return "\((Double(value) / 1024 * 10).rounded() / 10) GB" }
        return "\(value) MB"
    }
}
