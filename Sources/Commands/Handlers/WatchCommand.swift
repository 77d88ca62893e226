import Alerts
import DiscordModels
import Foundation
import SlurmKit
import Store

/// `/watch job:<id> | user:<cluster user> [notify] [warn] [cluster]`: be told when a job ends (or every job of a
/// cluster user), by direct message or in this channel; optionally also at 90 % of the time limit.
///
/// The job must be one the store knows (an array's id covers its tasks, announced together when the last ends); a
/// job that already ended is answered at once instead. The poller sends the alerts.
struct WatchCommand: SlashCommand {
    let ephemeral = true
    var definition: CommandDefinition { CommandCatalog.definition("watch") }

    func run(_ context: CommandContext) async -> Reply {
        let target: WatchTarget
        do { target = try WatchTarget(context) } catch { return .problem(error.message) }
        let (person, job, user) = (target.person, target.job, target.user)
        guard (job == nil) != (user == nil) else {
            return .problem("Give one of job:<id> (a job, or a whole array) or user:<cluster user> (all their jobs).")
        }
        let notify: Watch.Notify =
            context.string("notify") == "dm" || context.interaction.channelID == nil ? .dm : .channel
        let channel = notify == .channel ? context.interaction.channelID : nil
        let warn = context.options["warn"]?.string == "true"
        let now = context.now
        return await context.withCluster(writes: true) { connection, scope in
            let subject: String
            let about: String
            if let job {
                guard let record = try connection.job(cluster: scope.cluster, id: job) else {
                    throw Refusal(
                        "Job \(job) is not in the data of cluster \(scope.cluster) (ended long ago, or never seen).")
                }
                if let ended = Self.ended(record, scope: scope) { return .problem(ended) }
                subject = record.job.arrayJobID.map(String.init) ?? String(record.job.jobID)
                about = Self.describe(record.job, scope: scope)
            } else {
                subject = user ?? ""
                about = "every job of `\(subject)` on cluster \(scope.cluster)"
            }
            let added = try connection.addWatch(
                Watch(
                    cluster: scope.cluster, kind: job == nil ? .user : .job, subject: subject, discordUser: person,
                    notify: notify, channel: channel, warn: warn, createdAt: now))
            let how = notify == .dm ? "by direct message" : "in this channel"
            var text = "\(added ? "Watching" : "Still watching") \(about). I'll tell you \(how) when "
            text += job == nil ? "each job ends" : "it ends"
            if warn { text += ", and when \(job == nil ? "a job" : "it") has used 90 % of its time limit" }
            text += "."
            if notify == .dm { text += " (Direct messages from this server's members must be allowed.)" }
            return .forAsker(text)
        }
    }

    /// "job 42 (`train`, running for 1 h 2 min on n1)", or an array's summary.
    static func describe(_ job: Job, scope: ClusterScope) -> String {
        if let array = job.arrayJobID {
            return
                "array \(array) (`\(UserText.plain(job.name, 60))`): all its tasks, in one message when the last ends"
        }
        var text = "job \(job.displayID) (`\(UserText.plain(job.name, 60))`, \(job.state.plainWords)"
        if let start = job.startTime, job.state.holdsResources {
            text += " for \(scope.elapsed(since: start))"
            if let nodes = job.nodeList, !nodes.isEmpty { text += " on \(nodes)" }
        }
        return text + ")"
    }

    /// What to say instead of watching a job that has already ended.
    static func ended(_ record: JobRecord, scope: ClusterScope) -> String? {
        guard record.job.arrayJobID == nil else { return nil }
        let state = record.finalState ?? (record.job.state.isFinal ? record.job.state : nil)
        guard state != nil || record.goneAt != nil else { return nil }
        var text = "Job \(record.job.displayID) has already ended"
        if let state { text += ": \(state.plainWords)" }
        if let code = record.exitCode { text += " (exit \(code))" }
        if let at = record.endedAt ?? record.job.endTime { text += ", \(scope.moment(at))" }
        return text + "."
    }
}
