public import DiscordModels
public import SlurmKit
import WallTime

/// The opt-in warning that a running job has used 90 % of its time limit: time to save its state, or to ask an
/// admin for more time, before Slurm stops it.
public enum TimeLimitMessage {
    /// The share of the limit that triggers the warning.
    public static let threshold = 0.9

    /// Whether `job` is running and has used at least the threshold of its limit, but not all of it, at `now`.
    public static func isDue(_ job: Job, now: Int64) -> Bool {
        guard job.state == .running, let start = job.startTime, let limit = job.timeLimit.seconds, limit > 0 else {
            return false
        }
        let used = now - start
        return Double(used) >= threshold * Double(limit) && used < Int64(limit)
    }

    public static func warning(
        _ job: Job, now: Int64, cluster: String, mention: String?, ownedByRecipient: Bool = false
    ) -> MessagePayload {
        let used = Int(max(0, now - (job.startTime ?? now)))
        let limit = job.timeLimit.seconds ?? used
        let left = max(0, limit - used)
        let embed = Embed(
            title: String("Job \(job.displayID) · \(UserText.plain(job.name, 200))".prefix(256)),
            description: "Slurm stops it when the limit is reached. Save what it has done, or ask an admin to extend "
                + "it (`scontrol update jobid=\(job.jobID) TimeLimit=…`).",
            color: 0xFEE75C, footer: .init(text: "cluster \(cluster)"),
            fields: [
                .init(name: "Running for", value: DurationWords.text(used), inline: true),
                .init(name: "Time limit", value: DurationWords.text(limit), inline: true),
                .init(name: "Left", value: DurationWords.text(left), inline: true),
                .init(
                    name: job.nodeCount > 1 ? "Nodes" : "Node", value: UserText.code(job.nodeList ?? "none", 200),
                    inline: true),
            ])
        return JobEndMessage.message(
            "job \(UserText.code(job.name, 100)) (`\(job.displayID)`) has used 90 % of its time limit: "
                + "\(DurationWords.text(left)) left.", mention: mention, owner: ownedByRecipient ? nil : job.user,
            embed: embed)
    }
}
