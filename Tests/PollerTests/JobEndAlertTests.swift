import DiscordAPI
import DiscordFake
import DiscordModels
import FixtureSupport
import Foundation
import Logging
import Remote
import SlurmbotSettings
import Store
import Testing

@testable import Poller

/// Alerts end to end without Slurm: the lab fixture changed between polls, the real poller, store and outbox, and a
/// loopback Discord that answers as Discord documents (nonces, closed DMs, unknown channels, 429, 500).
@Suite("job-end alerts: queued with the snapshot, sent once, retried, refused for good")
struct JobEndAlertTests {
    static let logger = Logger(label: "alert-tests")

    /// bob watches his own jobs by DM, alice hers in channel 777, user 3003 watches job 2; the environment's
    /// default watch sends labuser's jobs to 4004.
    static func setUp(_ fake: FakeDiscord) throws -> (ScriptedCluster, Database, Poller) {
        let cluster = try ScriptedCluster()
        let database = try Database(path: cluster.directory.file("alerts.db"))
        fake.addChannel("777")
        let settings = AlertSettings(
            defaultWatch: ("labuser", "4004"), client: DiscordClient(baseURL: fake.baseURL, botToken: fake.botToken),
            hasBotToken: true)
        let poller = Poller(
            runner: FixtureRunner(directory: cluster.path), database: database, cluster: "lab", alerts: settings,
            logger: logger)
        return (cluster, database, poller)
    }

    /// The loopback Discord, the fixture cluster, its database and poller, with the watches in place.
    static func start() async throws -> (FakeDiscord, ScriptedCluster, Database, Poller) {
        let fake = try FakeDiscord()
        let (cluster, database, poller) = try setUp(fake)
        try await watch(database)
        return (fake, cluster, database, poller)
    }

    static func watch(_ database: Database) async throws {
        try await database.run { connection in
            try connection.addWatch(
                Watch(cluster: "lab", kind: .user, subject: "bob", discordUser: "1001", notify: .dm, createdAt: 0))
            try connection.addWatch(
                Watch(
                    cluster: "lab", kind: .user, subject: "alice", discordUser: "2002", notify: .channel,
                    channel: "777", createdAt: 0))
            try connection.addWatch(
                Watch(cluster: "lab", kind: .job, subject: "2", discordUser: "3003", notify: .dm, createdAt: 0))
        }
    }

    @Test("the first poll announces nothing; each end later is one message to each watcher; nothing repeats")
    func endsOnce() async throws {
        let (fake, cluster, database, poller) = try await Self.start()
        _ = try await poller.pollOnce()
        #expect(fake.messages.isEmpty, "ends already there at the first poll are history, not news")

        cluster.end(1, state: "COMPLETED")
        cluster.end(2, state: "FAILED", exit: "3:0", reason: "NonZeroExitCode")
        cluster.end(4, state: "OUT_OF_MEMORY", exit: "0:125", reason: "OutOfMemory")
        cluster.vanish(3)
        try cluster.step()
        _ = try await poller.pollOnce()
        let messages = fake.messages
        let byChannel = Dictionary(grouping: messages, by: \.channel).mapValues { $0.map(\.content) }
        #expect(messages.count == 5, "\(messages.map { "\($0.channel): \($0.content)" })")
        #expect(
            byChannel["dm-1001"] == ["bob's job `md-sim` (`1`) completed successfully."], "a watcher, not the owner")
        #expect(byChannel["dm-3003"] == ["labuser's job `analysis` (`2`) failed (non-zero exit)."])
        #expect(
            Set(byChannel["dm-4004"] ?? []) == [
                "Your job `analysis` (`2`) failed (non-zero exit).",
                "Your job `mpi-job` (`3`) ended (final state unknown).",
            ])
        #expect(byChannel["777"] == ["<@2002> alice's job `train-resnet` (`4`) ran out of memory."])
        let channelMessage = try #require(messages.first { $0.channel == "777" }?.json)
        #expect(
            (channelMessage["allowed_mentions"] as? [String: Any])?["users"] as? [String] == ["2002"],
            "only the watcher is pinged")
        let failed = try #require(messages.first { $0.channel == "dm-3003" }?.json)
        let embed = try #require((failed["embeds"] as? [[String: Any]])?.first)
        let fields = (embed["fields"] as? [[String: Any]] ?? []).map { "\($0["name"]!)=\($0["value"]!)" }
        #expect(fields.contains("State=`FAILED` (exit 3)"), "\(fields)")
        #expect(fields.contains("Node=`n3`"), "\(fields)")

        for _ in 0..<100 {
            try cluster.step()
            _ = try await poller.pollOnce()
        }
        #expect(fake.messages.count == 5, "100 polls of an unchanged cluster send nothing")
        let outbox = try await database.run { try $0.outbox(cluster: "lab") }
        #expect(outbox.count == 5 && outbox.allSatisfy { $0.sentAt != nil && $0.attempts == 1 })
        let watches = try await database.run { try $0.watches(cluster: "lab") }
        #expect(!watches.contains { $0.kind == .job && $0.subject == "2" }, "a job watch ends with its job")
        await fake.shutdown()
    }

    @Test("a head node whose clock runs ahead of ours does not hold its alerts back")
    func headClockAhead() async throws {
        let (fake, cluster, _, poller) = try await Self.start()
        _ = try await poller.pollOnce()
        // Two days ahead of this machine's clock (the fixture's own time is a day behind it).
        let ahead = Int64(Date().timeIntervalSince1970) + 2 * 86_400 - cluster.now
        cluster.end(1, state: "COMPLETED")
        try cluster.step(seconds: ahead)
        _ = try await poller.pollOnce()
        #expect(fake.messages.count == 1, "sent in the poll that found the end")
        await fake.shutdown()
    }

    @Test("an array is announced once, when its last task has ended, however many polls that takes")
    func arrayOnce() async throws {
        let (fake, cluster, _, poller) = try await Self.start()
        _ = try await poller.pollOnce()
        cluster.end(14, state: "COMPLETED")
        try cluster.step()
        _ = try await poller.pollOnce()
        #expect(fake.messages.isEmpty, "tasks are still running or waiting")
        // The remaining tasks start and end; the pending remainder's record becomes the last task.
        cluster.end(15, state: "COMPLETED")
        for (id, task) in [(30, 3), (31, 4), (32, 5)] {
            cluster.add(copying: 14, as: id, display: "12_\(task)", state: "RUNNING")
            cluster.set(id, field: 3, to: String(task))
            cluster.end(id, state: task == 4 ? "FAILED" : "COMPLETED", exit: task == 4 ? "1:0" : "0:0")
        }
        cluster.set(12, field: 0, to: "12_6")
        cluster.set(12, field: 3, to: "6")
        cluster.set(12, field: 19, to: cluster.clock(cluster.now))
        cluster.end(12, state: "COMPLETED")
        try cluster.step()
        _ = try await poller.pollOnce()
        let messages = fake.messages
        #expect(messages.count == 1, "\(messages.map(\.content))")
        #expect(
            messages.first?.content
                == "<@2002> alice's array `sweep` (`12`, 6 tasks) ended: 5 completed successfully, 1 failed (non-zero exit)."
        )
        #expect(messages.first?.channel == "777")
        let embed = try #require((messages.first?.json?["embeds"] as? [[String: Any]])?.first)
        let failing = (embed["fields"] as? [[String: Any]])?.first {
            $0["name"] as? String == "Tasks that did not complete"
        }
        #expect((failing?["value"] as? String)?.hasPrefix("`12_4` `FAILED` (exit 1)") == true, "\(embed)")
        await fake.shutdown()
    }

    @Test("the opt-in warning at 90 % of the time limit comes once, to those who asked, before the end alert")
    func timeLimitWarning() async throws {
        let (fake, cluster, database, poller) = try await Self.start()
        try await database.run { connection in
            try connection.addWatch(
                Watch(
                    cluster: "lab", kind: .job, subject: "2", discordUser: "3003", notify: .dm, warn: true,
                    createdAt: 0))
        }
        _ = try await poller.pollOnce()
        // Job 2 started at 19:40:19 with a one-day limit; 85 % of it.
        try cluster.step(seconds: 73_500)
        _ = try await poller.pollOnce()
        #expect(fake.messages.isEmpty)
        try cluster.step(seconds: 4_500)
        _ = try await poller.pollOnce()
        try cluster.step()
        _ = try await poller.pollOnce()
        let warnings = fake.messages
        #expect(warnings.count == 1, "\(warnings.map(\.content))")
        #expect(warnings.first?.channel == "dm-3003")
        #expect(
            warnings.first?.content.hasPrefix("labuser's job `analysis` (`2`) has used 90 % of its time limit: ")
                == true,
            "\(warnings.first?.content ?? "")")
        cluster.end(2, state: "TIMEOUT", reason: "TimeLimit")
        try cluster.step()
        _ = try await poller.pollOnce()
        #expect(fake.messages.count == 3, "the end goes to 3003 and to labuser's default watcher")
        #expect(fake.messages.last?.content.contains("hit its time limit") == true)
        await fake.shutdown()
    }

    @Test("Discord down (500) or rate limiting (429): kept, retried on a later run, then sent once")
    func retried() async throws {
        let (fake, cluster, database, poller) = try await Self.start()
        _ = try await poller.pollOnce()
        cluster.end(1, state: "COMPLETED")
        try cluster.step()
        // The client tries 4 times per run.
        fake.script(.init(status: 500), .init(status: 502), .init(status: 500), .init(status: 503))
        _ = try await poller.pollOnce()
        #expect(fake.messages.isEmpty)
        var row = try #require(try await database.run { try $0.outbox(cluster: "lab") }.first)
        #expect(row.sentAt == nil && row.attempts == 1 && row.lastError?.contains("server error") == true)
        #expect(row.nextAttemptAt > cluster.now, "the next try waits")

        let delivery = OutboxDelivery(database: database, cluster: "lab", settings: poller.alerts!, logger: Self.logger)
        let later = row.nextAttemptAt
        fake.script(
            .rateLimited(after: 0.05), .rateLimited(after: 0.05), .rateLimited(after: 0.05), .rateLimited(after: 0.05))
        var report = try await delivery.deliver(now: { later })
        #expect(report == OutboxDelivery.Report(sent: 0, retryLater: 1, refused: 0))
        row = try #require(try await database.run { try $0.outbox(cluster: "lab") }.first)
        let evenLater = row.nextAttemptAt
        report = try await delivery.deliver(now: { evenLater })
        #expect(report.sent == 1)
        report = try await delivery.deliver(now: { evenLater + 86_400 })
        #expect(report == OutboxDelivery.Report())
        #expect(fake.messages.count == 1 && fake.messages[0].channel == "dm-1001")
        await fake.shutdown()
    }

    @Test("closed DMs and unknown channels are refused for good, recorded, and never retried")
    func refused() async throws {
        let (fake, cluster, database, poller) = try await Self.start()
        try await database.run { connection in
            try connection.addWatch(
                Watch(
                    cluster: "lab", kind: .user, subject: "alice", discordUser: "2002", notify: .channel,
                    channel: "404404", createdAt: 0))
        }
        fake.closeDMs(of: "1001")
        _ = try await poller.pollOnce()
        cluster.end(1, state: "COMPLETED")
        cluster.end(4, state: "COMPLETED")
        try cluster.step()
        _ = try await poller.pollOnce()
        #expect(fake.messages.isEmpty)
        let bob = try await database.run { try $0.undeliveredAlerts(cluster: "lab", discordUser: "1001") }
        #expect(bob.count == 1 && bob[0].failedAt != nil)
        #expect(bob.first?.lastError?.contains("50007") == true, "\(bob)")
        let alice = try await database.run { try $0.undeliveredAlerts(cluster: "lab", discordUser: "2002") }
        #expect(alice.first?.lastError?.contains("10003") == true, "\(alice)")
        let summary = try await database.run { try $0.outboxSummary(cluster: "lab") }
        #expect(summary.line?.hasPrefix("Alerts: 0 sent, 2 refused by Discord (last error: ") == true, "\(summary)")
        let dayLater = cluster.now + 86_400
        let report = try await OutboxDelivery(
            database: database, cluster: "lab", settings: poller.alerts!, logger: Self.logger
        )
        .deliver(now: { dayLater })
        #expect(report == OutboxDelivery.Report())
        await fake.shutdown()
    }

    @Test("a poller gone after the commit delivers on the next run; a lost 'sent' mark does not make a second message")
    func crashes() async throws {
        let (fake, cluster, database, poller) = try await Self.start()
        _ = try await poller.pollOnce()
        cluster.end(1, state: "COMPLETED")
        try cluster.step()
        // The poll without delivery: what a poller killed right after its commit leaves behind.
        _ = try await poller.pollOnce(deliver: false)
        #expect(fake.messages.isEmpty)
        _ = try await poller.pollOnce()
        #expect(fake.messages.count == 1)

        // Killed after Discord created the message, before it was marked sent: the next run sends the same nonce.
        try await database.run { connection in
            try connection.execute("UPDATE outbox SET sent_at = NULL, next_attempt_at = 0")
        }
        _ = await poller.deliverAlerts()
        #expect(fake.messages.count == 1, "Discord returned the message it already had")
        let posts = fake.requests.filter { $0.path == "/api/v10/channels/dm-1001/messages" }
        #expect(posts.count == 2 && Set(posts.compactMap { $0.json?["nonce"] as? String }).count == 1)
        #expect(posts.allSatisfy { $0.json?["enforce_nonce"] as? Bool == true })
        await fake.shutdown()
    }
}
