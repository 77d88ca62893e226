import DiscordAPI
import DiscordFake
import FixtureSupport
import Foundation
import Logging
import Store
import Testing

@testable import Poller

@Suite("/link proofs: a job of the claimed account, named with the code, completes the link; nothing else does")
struct LinkProofTests {
    /// A job line like alice's job 4, with another id, name, owner and submit time.
    static func proofJob(_ cluster: ScriptedCluster, id: Int, name: String, user: String, submitted: Int64) {
        cluster.add(copying: 4, as: id, display: String(id), state: "COMPLETED")
        cluster.set(id, field: 24, to: name)
        cluster.set(id, field: 4, to: user)
        cluster.set(id, field: 18, to: cluster.clock(submitted))
    }

    @Test("proven: linked, a DM says so, job ends say 'your job'; a code run by another account or too late: not")
    func proofs() async throws {
        let fake = try FakeDiscord()
        let (cluster, database, poller) = try JobEndAlertTests.setUp(fake)
        #expect(try await poller.pollOnce(now: cluster.now).isStored)
        let issued = cluster.now
        try await database.run { connection in
            try connection.requestLink(
                Link(
                    cluster: "lab", discordUser: "3001", clusterUser: "alice", code: "ABCD2345", issuedAt: issued,
                    expiresAt: issued + 1800))
            // Someone claiming bob; the job with bob's code is alice's, so Slurm does not vouch for the claim.
            try connection.requestLink(
                Link(
                    cluster: "lab", discordUser: "3002", clusterUser: "bob", code: "WXYZ6789", issuedAt: issued,
                    expiresAt: issued + 1800))
            // A code that expired before its job came.
            try connection.requestLink(
                Link(
                    cluster: "lab", discordUser: "3003", clusterUser: "labuser", code: "EXPD2345",
                    issuedAt: issued - 4000, expiresAt: issued - 2200))
            // One that expired days ago: forgotten at the next poll.
            try connection.requestLink(
                Link(
                    cluster: "lab", discordUser: "3004", clusterUser: "bob", code: "OLDD2345",
                    issuedAt: issued - 400_000, expiresAt: issued - 398_200))
            // alice already watches her jobs in a channel: linking keeps that, it adds no DM watch.
            try connection.addWatch(
                Watch(
                    cluster: "lab", kind: .user, subject: "alice", discordUser: "3001", notify: .channel,
                    channel: "777", createdAt: 0))
        }
        Self.proofJob(cluster, id: 900, name: "slurmbot-link-ABCD2345", user: "alice", submitted: issued + 20)
        Self.proofJob(cluster, id: 901, name: "slurmbot-link-WXYZ6789", user: "alice", submitted: issued + 20)
        Self.proofJob(cluster, id: 902, name: "slurmbot-link-EXPD2345", user: "labuser", submitted: issued + 20)
        try cluster.step()
        #expect(try await poller.pollOnce(now: cluster.now).isStored)

        let (alice, bob, late, accounts, watches) = try await database.run { connection in
            (
                try connection.link(cluster: "lab", discordUser: "3001"),
                try connection.link(cluster: "lab", discordUser: "3002"),
                try connection.link(cluster: "lab", discordUser: "3003"),
                try connection.linkedAccounts(cluster: "lab"),
                try connection.watches(cluster: "lab", discordUser: "3001")
            )
        }
        #expect(alice?.linkedAt == cluster.now && bob?.linkedAt == nil && late?.linkedAt == nil)
        #expect(accounts == ["3001": "alice"])
        #expect(watches.map { "\($0.kind):\($0.subject):\($0.notify)" } == ["user:alice:channel"])
        #expect(try await database.run { try $0.link(cluster: "lab", discordUser: "3004") } == nil)
        let confirmations = fake.messages.filter { $0.channel == "dm-3001" }
        #expect(
            confirmations.count == 1 && confirmations[0].content.hasPrefix("Linked: you are `alice` on cluster lab"))
        #expect(!fake.messages.contains { $0.channel == "dm-3002" || $0.channel == "dm-3003" })
        #expect(
            !fake.messages.contains { $0.json.map { "\($0)" }?.contains("slurmbot-link-ABCD2345 ") == true },
            "the proof job's own end is nobody's news")

        // A day after its code expired, an unproven request is forgotten; the pending ones are kept meanwhile.
        #expect(try await database.run { try $0.link(cluster: "lab", discordUser: "3003") } != nil)
        // The next poll links nothing twice and sends no second confirmation.
        try cluster.step()
        #expect(try await poller.pollOnce(now: cluster.now).isStored)
        #expect(fake.messages.filter { $0.channel == "dm-3001" }.count == 1)

        // alice's job ends: the linked watcher is told "Your job", not "alice's job".
        cluster.end(4, state: "COMPLETED")
        try cluster.step()
        #expect(try await poller.pollOnce(now: cluster.now).isStored)
        let end = try #require(fake.messages.last { $0.channel == "777" && $0.content.contains("<@3001>") })
        #expect(end.content.hasPrefix("<@3001> your job"), "\(end.content)")
    }
}

extension Poller.Outcome {
    var isStored: Bool {
        if case .stored = self { return true }
        return false
    }
}
