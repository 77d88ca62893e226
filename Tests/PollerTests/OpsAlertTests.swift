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

@Suite("ops alerts: nodes out of service and back, the poller failing and recovering")
struct OpsAlertTests {
    static let logger = Logger(label: "ops-tests")

    static func poller(_ fake: FakeDiscord, _ cluster: ScriptedCluster, directory: String? = nil) throws -> (
        Poller, Database
    ) {
        let database = try Database(path: cluster.directory.file("ops.db"))
        fake.addChannel("900")
        let settings = AlertSettings(
            client: DiscordClient(baseURL: fake.baseURL, botToken: fake.botToken), hasBotToken: true,
            opsChannel: "900", opsFailures: 2)
        return (
            Poller(
                runner: FixtureRunner(directory: directory ?? cluster.path), database: database, cluster: "lab",
                alerts: settings, logger: logger),
            database
        )
    }

    @Test("one message per poll lists the nodes that went out of service and those back, with how long")
    func nodes() async throws {
        let fake = try FakeDiscord()
        let cluster = try ScriptedCluster()
        let (poller, _) = try Self.poller(fake, cluster)
        _ = try await poller.pollOnce()
        #expect(fake.messages.isEmpty, "the states found at the first poll are not news")
        cluster.setNode("n2", state: "DOWN+NOT_RESPONDING", reason: "Not responding")
        cluster.setNode("n5", state: "MIXED+DRAIN", reason: "bad fan")
        cluster.setNode("n6", state: "IDLE")
        cluster.setNode("n1", state: "ALLOCATED")
        try cluster.step(seconds: 600)
        _ = try await poller.pollOnce()
        try cluster.step()
        _ = try await poller.pollOnce()
        let messages = fake.messages
        #expect(messages.count == 1 && messages.first?.channel == "900")
        let embed = try #require((messages.first?.json?["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] as? String == "Cluster lab: 2 nodes out of service, 1 back")
        let fields = (embed["fields"] as? [[String: Any]] ?? []).map { "\($0["name"]!): \($0["value"]!)" }
        #expect(
            fields == [
                "Out of service (2): **n2** `DOWN+NOT_RESPONDING`: Not responding\n**n5** `MIXED+DRAIN`: bad fan",
                "Back in service (1): **n6** `IDLE` after 10 min down",
            ], "\(fields)")
        #expect((messages.first?.json?["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        await fake.shutdown()
    }

    @Test("a partition full for half an hour is told once; so is its having room again")
    func saturation() async throws {
        let fake = try FakeDiscord()
        let cluster = try ScriptedCluster()
        let (poller, _) = try Self.poller(fake, cluster)
        // debug has no idle node (n4 is drained) and six jobs waiting (12_[3-6%2] is four); batch has n11 idle;
        // maint is down.
        _ = try await poller.pollOnce()
        for _ in 0..<8 {
            try cluster.step(seconds: 300)
            _ = try await poller.pollOnce()
        }
        let full = fake.messages.compactMap { ($0.json?["embeds"] as? [[String: Any]])?.first }
        #expect(full.count == 1, "\(full)")
        #expect(full.first?["title"] as? String == "Cluster lab: partition debug is full")
        #expect(full.first?["description"] as? String == "No idle node and 6 jobs waiting, for 30 min now.")
        cluster.setNode("n4", state: "IDLE")
        try cluster.step(seconds: 300)
        _ = try await poller.pollOnce()
        try cluster.step(seconds: 300)
        _ = try await poller.pollOnce()
        let titles = fake.messages.compactMap { ($0.json?["embeds"] as? [[String: Any]])?.first?["title"] as? String }
        #expect(
            titles == [
                "Cluster lab: partition debug is full", "Cluster lab: 1 back",
                "Cluster lab: partition debug has room again",
            ], "\(titles)")
        await fake.shutdown()
    }

    @Test("the admins hear once when the poller has failed N times in a row, and once when it works again")
    func pollerHealth() async throws {
        let fake = try FakeDiscord()
        let cluster = try ScriptedCluster()
        let (poller, database) = try Self.poller(fake, cluster)
        _ = try await poller.pollOnce()
        let broken = Poller(
            runner: FixtureRunner(directory: cluster.directory.file("missing")), database: database, cluster: "lab",
            alerts: poller.alerts, logger: Self.logger)
        for second in 1...4 {
            _ = try await broken.pollOnce(now: cluster.now + Int64(second) * 60)
        }
        #expect(fake.messages.count == 1, "\(fake.messages.map(\.json))")
        let failing = try #require((fake.messages.first?.json?["embeds"] as? [[String: Any]])?.first)
        #expect(failing["title"] as? String == "Cluster lab: the poller has failed 2 times in a row")
        #expect((failing["description"] as? String)?.contains("does not exist") == true)
        try cluster.step(seconds: 600)
        _ = try await poller.pollOnce()
        try cluster.step()
        _ = try await poller.pollOnce()
        #expect(fake.messages.count == 2)
        let recovered = try #require((fake.messages.last?.json?["embeds"] as? [[String: Any]])?.first)
        #expect(recovered["title"] as? String == "Cluster lab: the poller works again")
        #expect(recovered["description"] as? String == "After 4 failed polls over 9 min; the data is fresh again.")
        await fake.shutdown()
    }
}
