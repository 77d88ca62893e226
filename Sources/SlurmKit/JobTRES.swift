/// What a job asked for and holds beyond squeue `%b`: GPUs asked with `--gpus` or `--gpus-per-task` live in
/// tres-per-job and tres-per-task, so `%b` (tres-per-node) prints `N/A` for them and such jobs would count no GPU.
///
/// Read from `squeue -O JobID,NumTasks,tres-per-job,tres-per-task,tres-alloc` (the poll's `jobtres` section).
/// `tres-alloc` is what the job holds while it runs and what it asks for while it waits, but it names GPUs only
/// where `AccountingStorageTRES` tracks `gres/gpu`; the per-job and per-task requests are there on every cluster.
public struct JobTRES: Sendable, Hashable {
    /// GPUs in all, when any of these fields says: the TRES total, else the per-job request, else per task ×
    /// tasks. Nil when none names a GPU (then `%b` per node × nodes is the answer).
    public var gpus: Int?
    /// GPUs per type, from typed TRES keys (`gres/gpu:a100=2`, tracked only when `AccountingStorageTRES` names
    /// the type) or from a typed request (`gres/gpu:a100:2`); kept apart from the untyped total.
    public var gpusByType: [Gres]

    public init(gpus: Int?, gpusByType: [Gres] = []) {
        self.gpus = gpus
        self.gpusByType = gpusByType
    }

    /// Resolves the fields one `jobtres` line printed; nil when none of them mentions a GPU.
    public init?(tasks: Int, perJob: [Gres], perTask: [Gres], allocated: [String: String]) {
        // 24.11 prints NO_VAL (4294967294) tasks for a job cancelled before it was ever scheduled.
        let tasks = tasks >= 4_294_967_294 ? 1 : max(1, tasks)
        var typed: [Gres] = []
        for (key, value) in allocated where key.hasPrefix("gres/gpu:") {
            guard let count = Int(value) else { continue }
            typed.append(Gres(name: "gpu", type: String(key.dropFirst("gres/gpu:".count)), count: count))
        }
        typed.sort { ($0.type ?? "") < ($1.type ?? "") }
        let perTaskOnly = perJob.gpuCount == 0
        if typed.isEmpty {
            typed = (perTaskOnly ? perTask : perJob).filter { $0.isGPU && $0.type != nil }.map {
                Gres(name: "gpu", type: $0.type, count: saturating($0.count, times: perTaskOnly ? tasks : 1))
            }
        }
        let total: Int? =
            if let tracked = allocated["gres/gpu"].flatMap({ Int($0) }) {
                tracked
            } else if perJob.gpuCount > 0 {
                perJob.gpuCount
            } else if perTask.gpuCount > 0 {
                saturating(perTask.gpuCount, times: tasks)
            } else if !typed.isEmpty {
                typed.reduce(0) { saturating($0, plus: $1.count) }
            } else {
                nil
            }
        guard total != nil || !typed.isEmpty else { return nil }
        self.init(gpus: total, gpusByType: typed)
    }
}

/// Reads the `jobtres` section: `JobID|NumTasks|tres-per-job|tres-per-task|tres-alloc|`, one line per job.
public enum JobTRESParser {
    /// The `-O` argument. `:|` gives each field no fixed width (nothing cut, nothing padded) and `|` after it.
    public static let format = "JobID:|,NumTasks:|,tres-per-job:|,tres-per-task:|,tres-alloc:|"

    /// Job id (`%A`, unique per array task and het component) to what its TRES say about GPUs; jobs whose fields
    /// mention no GPU are left out.
    public static func parse(_ text: Substring) -> [Int: JobTRES] {
        var result: [Int: JobTRES] = [:]
        var requests = Memo<[Gres]>()
        var allocations = Memo<[String: String]>()
        for line in lines(text) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(trimmedSlice)
            guard fields.count >= 5, let id = decimal(fields[0].utf8) else { continue }
            func gres(_ field: Substring) -> [Gres] {
                field.isSlurmNothing ? [] : requests.value(field) { Gres.parseList($0) }
            }
            let allocated = fields[4].isSlurmNothing ? [:] : allocations.value(fields[4]) { TRES.parse($0) }
            guard
                let tres = JobTRES(
                    tasks: decimal(fields[1].utf8) ?? 1, perJob: gres(fields[2]),
                    perTask: gres(fields[3]), allocated: allocated)
            else { continue }
            result[id] = tres
        }
        return result
    }

    /// Gives each job its TRES; a job that ended between the two squeue calls simply has none.
    public static func attach(_ tres: [Int: JobTRES], to jobs: inout [Job]) {
        guard !tres.isEmpty else { return }
        for index in jobs.indices {
            if let found = tres[jobs[index].jobID] { jobs[index].tres = found }
        }
    }
}
