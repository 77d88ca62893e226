import Alerts
import Discord
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
    /// The environment's default watch and how it is told, when there is one that can be delivered.
    let defaultWatch: (clusterUser: String, discordUser: String, notify: Watch.Notify)?

    /// Returns how many alerts were queued.
    func queue(_ connection: Connection, at: Int64, firstPoll: Bool) throws -> Int {
        let ends = try connection.unnoticedJobEnds(cluster: cluster)
        guard !ends.isEmpty else { return 0 }
        guard !firstPoll else {
            try connection.markEndsNoticed(cluster: cluster, jobIDs: ends.map(\.job.jobID), at: at)
            return 0
        }
        let watches = try connection.watches(cluster: cluster)
        var queued = 0
        var noticed: [Int] = []
        var finished: [String] = []
        var arrays: [Int: [JobRecord]] = [:]
        for record in ends {
            if record.job.isPendingArrayRemainder {
                noticed.append(record.job.jobID)
            } else if let array = record.job.arrayJobID {
                arrays[array, default: []].append(record)
            } else {
                for watcher in watchers(of: record.job, among: watches) {
                    let end = Self.end(record)
                    let payload = JobEndMessage.single(end, cluster: cluster, mention: watcher.mention)
                    let key =
                        "job-end:\(cluster):\(record.job.jobID):\(record.job.submitTime ?? 0):\(watcher.discordUser)"
                    queued += try enqueue(connection, key: key, payload: payload, to: watcher, at: at) ? 1 : 0
                }
                noticed.append(record.job.jobID)
                finished += [record.job.displayID, String(record.job.jobID)]
            }
        }
        for (arrayJobID, tasks) in arrays.sorted(by: { $0.key < $1.key }) {
            guard try connection.unfinishedTasks(cluster: cluster, arrayJobID: arrayJobID) == 0 else { continue }
            let ends = tasks.map(Self.end)
            for watcher in watchers(of: tasks[0].job, among: watches) {
                let payload = JobEndMessage.array(
                    ends, arrayJobID: arrayJobID, cluster: cluster, mention: watcher.mention)
                let key = "array-end:\(cluster):\(arrayJobID):\(tasks[0].job.submitTime ?? 0):\(watcher.discordUser)"
                queued += try enqueue(connection, key: key, payload: payload, to: watcher, at: at) ? 1 : 0
            }
            noticed += tasks.map(\.job.jobID)
            finished.append(String(arrayJobID))
        }
        try connection.markEndsNoticed(cluster: cluster, jobIDs: noticed, at: at)
        try connection.removeJobWatches(cluster: cluster, subjects: finished)
        return queued
    }

    /// Someone to tell, and how.
    struct Watcher {
        var discordUser: String
        var notify: Watch.Notify
        var channel: String?

        /// DMs need no ping; a channel or webhook message pings the one person it is for.
        var mention: String? { notify == .dm ? nil : discordUser }
    }

    /// Everyone watching this job (by its id or its array's) or its user, once each; a job watch wins over a user
    /// watch for how to notify.
    func watchers(of job: Job, among watches: [Watch]) -> [Watcher] {
        var found: [String: Watcher] = [:]
        var order: [String] = []
        func add(_ watcher: Watcher) {
            if found[watcher.discordUser] == nil { order.append(watcher.discordUser) }
            found[watcher.discordUser] = found[watcher.discordUser] ?? watcher
        }
        let ids = Set([job.displayID, String(job.jobID)] + (job.arrayJobID.map { [String($0)] } ?? []))
        for watch in watches where watch.kind == .job && ids.contains(watch.subject) {
            add(Watcher(discordUser: watch.discordUser, notify: watch.notify, channel: watch.channel))
        }
        for watch in watches where watch.kind == .user && watch.subject == job.user {
            add(Watcher(discordUser: watch.discordUser, notify: watch.notify, channel: watch.channel))
        }
        if let defaults = defaultWatch, defaults.clusterUser == job.user {
            add(Watcher(discordUser: defaults.discordUser, notify: defaults.notify))
        }
        return order.compactMap { found[$0] }
    }

    private func enqueue(
        _ connection: Connection, key: String, payload: MessagePayload, to watcher: Watcher, at: Int64
    ) throws -> Bool {
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        let target: String =
            switch watcher.notify {
            case .dm: watcher.discordUser
            case .channel: watcher.channel ?? ""
            case .webhook: "webhook"
            }
        return try connection.enqueue(
            OutboxAlert(
                dedupKey: key, cluster: cluster, createdAt: at, destination: watcher.notify, target: target,
                discordUser: watcher.discordUser, payload: json, nextAttemptAt: at))
    }

    static func end(_ record: JobRecord) -> JobEnd {
        JobEnd(
            job: record.job, state: record.finalState, exitCode: record.exitCode, signal: record.exitSignal,
            endedAt: record.endedAt)
    }
}
