public import DiscordModels
import SlurmKit
import WallTime

/// The Discord message for a job's end, or for a whole array's: who it is for, what happened, and the verdict.
/// Job names are user text: they go in code spans with backticks removed, and nothing but the watcher is pinged.
public enum JobEndMessage {
    /// - Parameters:
    ///   - mention: the Discord user to ping (channel and webhook alerts); nil in a direct message.
    ///   - ownedByRecipient: whether the recipient is known to own the job: only then is it "your job".
    public static func single(_ end: JobEnd, cluster: String, mention: String?, ownedByRecipient: Bool = false)
        -> MessagePayload
    {
        let job = end.job
        let words = end.state?.plainWords ?? "ended (final state unknown)"
        var fields: [Embed.Field] = [
            .init(name: "State", value: stateText(end), inline: true),
            .init(name: "Elapsed", value: end.elapsed.map(DurationWords.text) ?? "unknown", inline: true),
            .init(
                name: job.nodeCount > 1 ? "Nodes" : "Node", value: UserText.code(job.nodeList ?? "none", 200),
                inline: true),
            .init(name: "Partition", value: UserText.code(job.partition, 100), inline: true),
            .init(name: "User", value: UserText.code(job.user, 100), inline: true),
        ]
        if let limit = job.timeLimit.seconds {
            fields.append(.init(name: "Time limit", value: DurationWords.text(limit), inline: true))
        }
        if let efficiency = Efficiency(end) {
            fields.append(
                .init(
                    name: "How it used what it asked for",
                    value: efficiency.line
                        + (efficiency.smallerRequest.map {
                            "\nIt would have fitted in `\($0)`, half again what it used."
                        } ?? "")))
        }
        let embed = Embed(
            title: String("Job \(job.displayID) · \(UserText.plain(job.name, 200))".prefix(256)),
            description: Verdict.of(end), color: color(end.state, exitCode: end.exitCode),
            timestamp: (end.endedAt ?? job.endTime).map(ISO8601.string), footer: .init(text: "cluster \(cluster)"),
            fields: fields)
        return message(
            "job \(UserText.code(job.name, 100)) (`\(job.displayID)`) \(words).", mention: mention,
            owner: ownedByRecipient ? nil : job.user, embed: embed)
    }

    /// One message for all the tasks of an array, sent once every task has ended.
    public static func array(
        _ ends: [JobEnd], arrayJobID: Int, cluster: String, mention: String?, ownedByRecipient: Bool = false
    ) -> MessagePayload {
        let name = ends.first?.job.name ?? ""
        var counts: [String: Int] = [:]
        for end in ends { counts[end.state?.rawValue ?? "UNKNOWN", default: 0] += 1 }
        let order = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        let summary = order.map {
            "\($0.value) \(($0.key == "UNKNOWN" ? nil : JobState(rawValue: $0.key))?.plainWords ?? "ended, state unknown")"
        }
        .joined(separator: ", ")
        let failures = ends.filter { !$0.succeeded }.sorted { $0.job.jobID < $1.job.jobID }
        var fields: [Embed.Field] = [
            .init(name: "Tasks", value: "\(ends.count)", inline: true),
            .init(name: "Partition", value: UserText.code(ends.first?.job.partition ?? "", 100), inline: true),
            .init(name: "User", value: UserText.code(ends.first?.job.user ?? "", 100), inline: true),
        ]
        if !failures.isEmpty {
            var lines = failures.prefix(10).map { end in
                "`\(end.job.displayID)` \(stateText(end))"
                    + (end.elapsed.map { " after \(DurationWords.text($0))" } ?? "")
            }
            if failures.count > 10 { lines.append("… and \(failures.count - 10) more") }
            fields.append(.init(name: "Tasks that did not complete", value: lines.joined(separator: "\n")))
        }
        let worst = failures.first
        let embed = Embed(
            title: String("Array \(arrayJobID) · \(UserText.plain(name, 200))".prefix(256)),
            description: worst.flatMap(Verdict.of).map { "First task that did not complete: \($0)" },
            color: color(worst?.state ?? .completed, exitCode: worst?.exitCode),
            timestamp: ends.compactMap { $0.endedAt ?? $0.job.endTime }.max().map(ISO8601.string),
            footer: .init(text: "cluster \(cluster)"), fields: fields)
        return message(
            "array \(UserText.code(name, 100)) (`\(arrayJobID)`, \(ends.count) tasks) ended: \(summary).",
            mention: mention, owner: ownedByRecipient ? nil : ends.first?.job.user ?? "", embed: embed)
    }

    /// - Parameter owner: the job's Slurm user, when the recipient is not known to be them: "alice's job …"; nil
    ///   says "your job …".
    static func message(_ sentence: String, mention: String?, owner: String?, embed: Embed) -> MessagePayload {
        let whose = owner.map { UserText.plain($0, 64) + "'s " } ?? "your "
        let start = mention.map { "<@\($0)> " + whose } ?? (owner == nil ? "Your " : whose)
        let content = start + sentence
        return MessagePayload(
            content: String(content.prefix(2000)), embeds: [embed],
            allowedMentions: AllowedMentions(parse: [], users: mention.map { [$0] } ?? []))
    }

    static func stateText(_ end: JobEnd) -> String {
        guard let state = end.state else { return "unknown" }
        var text = "`\(state.rawValue)`"
        if let signal = end.signal, signal > 0 {
            text += " (signal \(signal))"
        } else if let code = end.exitCode {
            text += " (exit \(code))"
        }
        return text
    }

    /// Green for success, red for failures, amber for what the user or the clock stopped, grey when unknown.
    static func color(_ state: JobState?, exitCode: Int?) -> Int {
        switch state {
        case .completed?: (exitCode ?? 0) == 0 ? 0x57F287 : 0xED4245
        case .timeout?, .cancelled?, .preempted?, .deadline?: 0xFEE75C
        case nil: 0x95A5A6
        default: 0xED4245
        }
    }
}
