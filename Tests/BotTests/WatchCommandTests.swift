import DiscordModels
import FixtureSupport
import Foundation
import Store
import Testing

@testable import Commands

@Suite("/watch, /unwatch, /watches: subscriptions stored for the poller, checked against the known jobs")
struct WatchCommandTests {
    static func watches(_ database: Database) async throws -> [Watch] {
        try await database.run { try $0.watches(cluster: "lab") }
    }

    @Test("a running job, by channel then by DM with the 90 % warning; an array; a user")
    func watch() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let here = try await run("watch", [("job", "2")], on: database)
        #expect(here.ephemeral)
        #expect(
            here.text.hasPrefix("Watching job 2 (`analysis`, running for ")
                && here.text.hasSuffix(" on n3). I'll tell you in this channel when it ends."), "\(here.text)")
        var stored = try await Self.watches(database)
        #expect(stored.count == 1 && stored[0].notify == .channel && stored[0].channel == "555")
        #expect(stored[0].discordUser == "7" && stored[0].kind == .job && stored[0].subject == "2" && !stored[0].warn)

        let dm = try await run("watch", [("job", "2"), ("notify", "dm"), ("warn", "true")], on: database)
        #expect(dm.text.hasPrefix("Still watching job 2"))
        #expect(dm.text.contains("by direct message when it ends, and when it has used 90 % of its time limit."))
        stored = try await Self.watches(database)
        #expect(stored.count == 1 && stored[0].notify == .dm && stored[0].channel == nil && stored[0].warn)

        let task = try await run("watch", [("job", "12_1")], on: database)
        #expect(task.text.hasPrefix("Watching array 12 (`sweep`): all its tasks, in one message when the last ends."))
        let user = try await run("watch", [("user", "bob")], on: database)
        #expect(
            user.text == "Watching every job of `bob` on cluster lab. I'll tell you in this channel when each job ends."
        )
        stored = try await Self.watches(database)
        #expect(stored.map(\.subject) == ["2", "12", "bob"])
    }

    @Test("ended, unknown, hostile or missing jobs and users are refused, and nothing is stored")
    func refused() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let cases: [([(String, String)], String)] = [
            ([("job", "6")], "Job 6 has already ended: completed successfully (exit 0), <t:"),
            ([("job", "99999")], "Job 99999 is not in the data of cluster lab"),
            ([("job", "2; rm -rf /")], "Give a job id such as 12345"),
            ([("user", "bob$(id)")], "That user name is not one Slurm would use"),
            ([], "Give one of job:<id>"),
            ([("job", "2"), ("user", "bob")], "Give one of job:<id>"),
        ]
        for (options, expected) in cases {
            let reply = try await run("watch", options, on: database)
            #expect(reply.ephemeral && reply.text.hasPrefix(expected), "\(options): \(reply.text)")
        }
        #expect(try await Self.watches(database).isEmpty)
    }

    @Test("/watches lists yours and the alerts that could not reach you; /unwatch stops one or all")
    func listAndStop() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        _ = try await run("watch", [("job", "2")], on: database)
        _ = try await run("watch", [("user", "bob"), ("notify", "dm"), ("warn", "true")], on: database)
        try await database.run { connection in
            try connection.addWatch(
                Watch(cluster: "lab", kind: .user, subject: "alice", discordUser: "8", notify: .dm, createdAt: 0))
            try connection.enqueue(
                OutboxAlert(
                    dedupKey: "k1", cluster: "lab", createdAt: Signer.now - 120, destination: .dm, target: "7",
                    discordUser: "7", payload: "{}", nextAttemptAt: 0))
            // Someone else's cluster's failures are not shown here.
            try connection.enqueue(
                OutboxAlert(
                    dedupKey: "k2", cluster: "other", createdAt: Signer.now - 60, destination: .dm, target: "7",
                    discordUser: "7", payload: "{}", attempts: 0, nextAttemptAt: 0))
            try connection.markFailed(
                id: try connection.outbox(cluster: "other")[0].id, at: Signer.now, error: "elsewhere")
            let id = try connection.outbox(cluster: "lab")[0].id
            try connection.markFailed(
                id: id, at: Signer.now,
                error: "Discord refused the request (403, code 50007): Cannot send messages to this user")
        }
        let list = try await run("watches", on: database)
        let fields = Dictionary(uniqueKeysWithValues: (list.embed?.fields ?? []).map { ($0.name, $0.value) })
        #expect(fields["Watching"] == "job 2 · in <#555>\nall jobs of `bob` · by DM · warns at 90 %")
        #expect(fields["Alerts that did not reach you"]?.contains("not delivered: Discord refused") == true)
        #expect(fields["Alerts that did not reach you"]?.contains("50007") == true)
        #expect(fields["Alerts that did not reach you"]?.contains("elsewhere") == false)

        #expect(try await run("unwatch", [("job", "2")], on: database).text == "Stopped watching 2.")
        #expect(
            try await run("unwatch", [("job", "2")], on: database).text == "You were not watching 2 on cluster lab.")
        #expect(
            try await run("unwatch", on: database).text == "Stopped all 1 watch of yours on cluster lab.")
        let left = try await Self.watches(database)
        #expect(left.map(\.discordUser) == ["8"], "someone else's watch stays")
        let none = try await run("watches", on: database)
        #expect(none.embed?.description?.hasPrefix("You watch nothing on cluster lab.") == true)
    }
}
