import Alerts
import SlurmKit
import Store

/// Queues the opt-in 90 % time-limit warnings, inside the snapshot's transaction, once per job and watcher (the
/// outbox key sees to that however many polls find the job past the mark).
struct TimeLimitWarnings {
    let cluster: String
    let recipients: AlertRecipients

    /// Returns how many warnings were queued.
    func queue(_ connection: Connection, at: Int64) throws -> Int {
        let watches = try connection.watches(cluster: cluster).filter(\.warn)
        guard !watches.isEmpty else { return 0 }
        let running = try connection.jobsNearTimeLimit(cluster: cluster, at: at, share: TimeLimitMessage.threshold)
            .map(\.job).filter { TimeLimitMessage.isDue($0, now: at) }
        let linked = try connection.linkedAccounts(cluster: cluster)
        var queued = 0
        for job in running {
            for watcher in recipients.watchers(of: job, among: watches, linked: linked) where watcher.warn {
                let payload = TimeLimitMessage.warning(
                    job, now: at, cluster: cluster, mention: watcher.mention, ownedByRecipient: watcher.owns)
                let key = "time-limit:\(cluster):\(job.jobID):\(job.submitTime ?? 0):\(watcher.discordUser)"
                queued +=
                    try recipients.enqueue(
                        connection, cluster: cluster, key: key, payload: payload, to: watcher, at: at)
                    ? 1 : 0
            }
        }
        return queued
    }
}
