import DiscordModels
import Foundation
import SlurmKit
import Store

/// Who hears about a job, and how an alert for them is queued.
struct AlertRecipients {
    /// The environment's default watch and how it is told, when there is one that can be delivered.
    let defaultWatch: (clusterUser: String, discordUser: String, notify: Watch.Notify)?

    /// Someone to tell, and how.
    struct Watcher {
        var discordUser: String
        var notify: Watch.Notify
        var channel: String?
        var warn = false
        /// Whether the watcher is known to own the job's Slurm account (the configured `TARGET_CLUSTER_USER` and
        /// `DISCORD_USER_ID`): only then does an alert say "your job". Anyone may watch anyone's jobs.
        var owns = false

        /// DMs need no ping; a channel or webhook message pings the one person it is for.
        var mention: String? { notify == .dm ? nil : discordUser }
    }

    /// Everyone watching this job (by its id or its array's) or its user, once each; a job watch wins over a user
    /// watch for how to notify, and either asks for the time-limit warning.
    /// - Parameter linked: Discord user to the Slurm account they proved (`/link`): such a watcher owns the
    ///   job when the accounts match, and is told "your job".
    func watchers(of job: Job, among watches: [Watch], linked: [String: String] = [:]) -> [Watcher] {
        var found: [String: Watcher] = [:]
        var order: [String] = []
        func add(_ watcher: Watcher) {
            if var known = found[watcher.discordUser] {
                known.warn = known.warn || watcher.warn
                known.owns = known.owns || watcher.owns
                found[watcher.discordUser] = known
            } else {
                order.append(watcher.discordUser)
                found[watcher.discordUser] = watcher
            }
        }
        let ids = Set([job.displayID, String(job.jobID)] + (job.arrayJobID.map { [String($0)] } ?? []))
        for watch in watches where watch.kind == .job && ids.contains(watch.subject) {
            add(
                Watcher(
                    discordUser: watch.discordUser, notify: watch.notify, channel: watch.channel, warn: watch.warn,
                    owns: linked[watch.discordUser] == job.user))
        }
        for watch in watches where watch.kind == .user && watch.subject == job.user {
            add(
                Watcher(
                    discordUser: watch.discordUser, notify: watch.notify, channel: watch.channel, warn: watch.warn,
                    owns: linked[watch.discordUser] == job.user))
        }
        if let defaults = defaultWatch, defaults.clusterUser == job.user {
            add(Watcher(discordUser: defaults.discordUser, notify: defaults.notify, owns: true))
        }
        return order.compactMap { found[$0] }
    }

    /// Queues one alert for one watcher; false when that key was queued before.
    func enqueue(
        _ connection: Connection, cluster: String, key: String, payload: MessagePayload, to watcher: Watcher,
        at: Int64
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
                discordUser: watcher.discordUser, payload: json, nextAttemptAt: OutboxAlert.dueNow))
    }
}
