import SlurmKit

extension SimulatedCluster {
    /// The poll output at `time`, topped up with pending jobs (as big clusters queue them) to `wanted` jobs in
    /// all: how benchmarks and tests get a 10,000-node, 50,000- or 100,000-job cluster through the real parser.
    public func output(at time: Int64, nonce: String, toppedUpTo wanted: Int) -> String {
        var parts = sections(at: time)
        let current = snapshot(at: time)
        let text = SlurmText(clock: clock)
        var extra = ""
        let missing = max(0, wanted - current.jobs.count)
        for index in 0..<missing {
            let id = 900_000_000 + index
            let job = Job(
                displayID: "\(id)", jobID: id, name: "queued-\(index % 97) sweep", user: "user\(index % 400)",
                account: "acct\(index % 40)", partition: ["cpu", "gpu", "bigmem"][index % 3], qos: "normal",
                state: .pending, reason: JobReason(parsing: index % 5 == 0 ? "Resources" : "Priority"),
                timeLimit: .seconds(3600 * (1 + index % 48)), timeLeft: .seconds(3600 * (1 + index % 48)),
                nodeCount: 1 + index % 4, cpus: 8 * (1 + index % 8), memoryMB: 16_000,
                gres: index % 3 == 1 ? [Gres(name: "gpu", type: "a100", count: 1 + index % 4)] : [],
                submitTime: 1_781_500_000 - Int64(index % 86_400), priority: 10_000 - index % 5000)
            extra += text.jobLine(job)
        }
        parts[.jobs]!.text += extra
        return PollScript.assemble(nonce: nonce, sections: parts)
    }
}
