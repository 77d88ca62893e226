import Alerts
import DiscordModels
import Foundation
import SlurmKit
import Store

/// Turns the job ends a snapshot revealed into outbox rows, inside that snapshot's transaction: the alerts commit
/// with the data that justifies them, or neither does.
///
/// Each end is handled once (`jobs.end_noticed`), and each alert has a key no second copy can share. The first good
/// poll of a cluster only takes note of the ends already there: a new install does not announce the past hour.
/// An array is announced once, when its last task has ended.
struct JobEndAlerts {
    let cluster: String
    let recipients: AlertRecipients

    /// Returns how many alerts were queued.
    func queue(_ connection: Connection, at: Int64, firstPoll: Bool) throws -> Int {
        guard !firstPoll else {
            try connection.markAllEndsNoticed(cluster: cluster, at: at)
            return 0
        }
        let ends = try connection.unnoticedJobEnds(cluster: cluster)
        guard !ends.isEmpty else { return 0 }
        let watches = try connection.watches(cluster: cluster)
        let linked = try connection.linkedAccounts(cluster: cluster)
        var queued = 0
        var noticed: [Int] = []
        var finished: [String] = []
        var arrays: [Int: [JobRecord]] = [:]
        for record in ends {
            // A /link proof job (`--wrap=true`) is a handshake, not work: its end is nobody's news.
            if record.job.isPendingArrayRemainder || record.job.name.hasPrefix(Link.proofPrefix) {
                noticed.append(record.job.jobID)
            } else if let array = record.job.arrayJobID {
                arrays[array, default: []].append(record)
            } else {
                let end = Self.end(record)
                for watcher in recipients.watchers(of: record.job, among: watches, linked: linked) {
                    let payload = JobEndMessage.single(
                        end, cluster: cluster, mention: watcher.mention, ownedByRecipient: watcher.owns)
                    let key =
                        "job-end:\(cluster):\(record.job.jobID):\(record.job.submitTime ?? 0):\(watcher.discordUser)"
                    queued +=
                        try recipients.enqueue(
                            connection, cluster: cluster, key: key, payload: payload, to: watcher, at: at) ? 1 : 0
                }
                noticed.append(record.job.jobID)
                finished += [record.job.displayID, String(record.job.jobID)]
            }
        }
        for (arrayJobID, tasks) in arrays.sorted(by: { $0.key < $1.key }) {
            guard try connection.unfinishedTasks(cluster: cluster, arrayJobID: arrayJobID) == 0 else { continue }
            let ends = tasks.map(Self.end)
            for watcher in recipients.watchers(of: tasks[0].job, among: watches, linked: linked) {
                let payload = JobEndMessage.array(
                    ends, arrayJobID: arrayJobID, cluster: cluster, mention: watcher.mention,
                    ownedByRecipient: watcher.owns)
                let key = "array-end:\(cluster):\(arrayJobID):\(tasks[0].job.submitTime ?? 0):\(watcher.discordUser)"
                queued +=
                    try recipients.enqueue(
                        connection, cluster: cluster, key: key, payload: payload, to: watcher, at: at) ? 1 : 0
            }
            noticed += tasks.map(\.job.jobID)
            finished.append(String(arrayJobID))
        }
        try connection.markEndsNoticed(cluster: cluster, jobIDs: noticed, at: at)
        try connection.removeJobWatches(cluster: cluster, subjects: finished)
        return queued
    }

    static func end(_ record: JobRecord) -> JobEnd {
        JobEnd(
            job: record.job, state: record.finalState, exitCode: record.exitCode, signal: record.exitSignal,
            endedAt: record.endedAt, peakMemoryMB: record.peakMemoryMB, cpuSeconds: record.cpuSeconds)
    }
}
