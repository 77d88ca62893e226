import DiscordAPI
import DiscordFake
import FixtureSupport
import Foundation
import Poller
import Remote
import Store
import Testing

extension LabSuite {
    @Suite("/link proven on the real Slurm: the lab user runs the sbatch line /link gave, the next poll links")
    struct LinkOverSSHTests {
        @Test("the proof job, submitted over SSH as the claimed account, completes the link and a DM confirms it")
        func linkByProof() async throws {
            let fake = try FakeDiscord()
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let database = try Database(path: directory.file("link.db"))
            let (head, bastion) = try Lab.endpoints()
            let account = try Lab.value("LAB_SSH_USER")
            let user = SSHRunner(head: head, bastion: bastion, options: try Lab.options(), logger: Lab.logger)
            let poller = Poller(
                runner: user, database: database, cluster: "slurmbotlab",
                alerts: AlertSettings(
                    client: DiscordClient(baseURL: fake.baseURL, botToken: fake.botToken), hasBotToken: true),
                logger: Lab.logger)
            _ = try await poller.pollOnce()
            let now = Int64(Date().timeIntervalSince1970)
            let claim = Link(
                cluster: "slurmbotlab", discordUser: "6006", clusterUser: account, code: "LABQ2345", issuedAt: now,
                expiresAt: now + 1800)
            // A second claim to the same account whose code is never run: it stays unproven.
            let stranger = Link(
                cluster: "slurmbotlab", discordUser: "6007", clusterUser: account, code: "NVRR2345", issuedAt: now,
                expiresAt: now + 1800)
            try await database.run { connection in
                try connection.requestLink(claim)
                try connection.requestLink(stranger)
            }
            // Exactly the line /link prints, run as the account, through the bastion.
            let submitted = try await user.run(
                "sbatch --job-name=\(claim.proofJobName) --time=1 --wrap=true", timeout: .seconds(30))
            try #require(submitted.status == 0, "sbatch: \(submitted.stderr)")
            _ = try await poller.pollOnce()
            let (linked, unproven) = try await database.run { connection in
                (
                    try connection.link(cluster: "slurmbotlab", discordUser: "6006"),
                    try connection.link(cluster: "slurmbotlab", discordUser: "6007")
                )
            }
            #expect(linked?.linkedAt != nil && unproven?.linkedAt == nil)
            let dm = try #require(fake.messages.first { $0.channel == "dm-6006" })
            #expect(dm.content.hasPrefix("Linked: you are `\(account)` on cluster slurmbotlab"), "\(dm.content)")
            #expect(!fake.messages.contains { $0.channel == "dm-6007" })
        }
    }
}
