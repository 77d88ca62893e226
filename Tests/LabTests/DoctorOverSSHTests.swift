import DiscordFake
import FixtureSupport
import Foundation
import Testing

extension LabSuite {
    @Suite("slurmbot doctor: a good set-up on the lab and the loopback Discord, then one thing broken at a time")
    struct DoctorOverSSHTests {
        @Test("all pass (exit 0); each broken part is the one failed line, with its fix, and the exit is 1")
        func doctor() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let db = directory.file("lab.db")
            let fake = try FakeDiscord(botToken: "doctor-token")
            fake.addChannel("5550000000000000001")
            let good = [
                "SLURMBOT_ENV_FILE": Lab.directory + "/poller.env", "SLURMBOT_DB": db,
                "DISCORD_PUBLIC_KEY": String(repeating: "ab", count: 32), "DISCORD_API_BASE": fake.baseURL,
                "DISCORD_BOT_TOKEN": "doctor-token", "DISCORD_APPLICATION_ID": FakeDiscord.applicationID,
                "DISCORD_OPS_CHANNEL_ID": "5550000000000000001", "TARGET_CLUSTER_USER": "labuser",
                "DISCORD_USER_ID": "7770000000000000001",
                "DISCORD_ALERT_WEBHOOK_URL": fake.baseURL + "/webhooks/8880000000000000001/webhook-secret-token",
            ]
            let poll = try await Products.run("slurmbot-poller", ["--quiet"], environment: good)
            try #require(poll.status == 0, "\(poll.stderr)")
            let register = try await Products.run("slurmbot", ["register-commands"], environment: good)
            try #require(register.status == 0, "\(register.stderr)")

            let healthy = try await Products.run("slurmbot", ["doctor"], environment: good)
            #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
            #expect(!healthy.stdout.contains("✗") && healthy.stdout.contains("All checks passed."))
            for line in [
                "✓ bastion login: labuser@127.0.0.1:", "✓ head host key: labuser@127.0.0.1:",
                "✓ head sinfo -V: slurm-wlm \(try Lab.value("LAB_SLURM_VERSION"))", "✓ schema: version",
                "✓ integrity: quick_check ok", "✓ last poll: cluster slurmbotlab:",
                "✓ Discord bot token: the application slurmbot-fake", "✓ commands: 16 registered (global)",
                "✓ ops alerts channel: #ops is visible to the bot",
                "✓ alert webhook: 'alerts' answers (nothing posted)",
                "✓ alert DM: labuser's jobs: a DM channel with 7770000000000000001 opens",
            ] {
                #expect(healthy.stdout.contains(line), "missing '\(line)' in:\n\(healthy.stdout)")
            }
            #expect(!healthy.stdout.contains("doctor-token"), "the token is never printed")
            #expect(fake.messages.isEmpty, "doctor posts nothing")

            let emptyKnownHosts = directory.file("empty_known_hosts")
            _ = FileManager.default.createFile(atPath: emptyKnownHosts, contents: Data())
            let broken: [(String, [String: String], String, String)] = [
                ("a head node that is not listening", ["SLURM_SSH_PORT": "2399"], "✗ head TCP:", "AllowTcpForwarding"),
                ("no known host keys", ["SLURM_KNOWN_HOSTS": emptyKnownHosts], "✗ bastion host key:", "trust-host"),
                (
                    "a key nobody authorized", ["SLURM_SSH_KEY": try Lab.value("LAB_SSH_KEY_STRANGER")],
                    "✗ head login:", "authorized_keys"
                ),
                ("no database", ["SLURMBOT_DB": directory.file("none.db")], "✗ database: no file", "slurmbot-poller"),
                (
                    "a public key that is not one", ["DISCORD_PUBLIC_KEY": "abc"], "✗ DISCORD_PUBLIC_KEY:",
                    ".env.example"
                ),
                ("a refused bot token", ["DISCORD_BOT_TOKEN": "wrong-token"], "✗ Discord bot token:", "Reset Token"),
                (
                    "another application's id", ["DISCORD_APPLICATION_ID": "1234567890123456789"],
                    "✗ DISCORD_APPLICATION_ID:", "same application"
                ),
                (
                    "an ops channel the bot cannot see", ["DISCORD_OPS_CHANNEL_ID": "5550000000000000002"],
                    "✗ ops alerts channel:", "View Channel"
                ),
                ("a bad analyst", ["SLURMBOT_ANALYST": "oracle"], "✗ analyst:", "SLURMBOT_ANALYST"),
                (
                    "a webhook that is gone",
                    ["DISCORD_ALERT_WEBHOOK_URL": fake.baseURL + "/webhooks/gone/webhook-secret-token"],
                    "✗ alert webhook:", "Integrations"
                ),
                ("half a default watch", ["DISCORD_USER_ID": ""], "✗ alert route:", ".env.example"),
            ]
            for (what, change, failedLine, fix) in broken {
                let run = try await Products.run(
                    "slurmbot", ["doctor"], environment: good.merging(change) { $1 })
                #expect(run.status == 1, "\(what): exit \(run.status)")
                #expect(run.stdout.contains(failedLine), "\(what): no '\(failedLine)' in:\n\(run.stdout)")
                #expect(run.stdout.contains("fix:") && run.stdout.contains(fix), "\(what): no fix:\n\(run.stdout)")
                #expect(!run.stdout.contains("webhook-secret-token") && !run.stdout.contains("doctor-token"))
            }
            let unregistered = try await Products.run(
                "slurmbot", ["doctor", "--guild", "77"], environment: good)
            #expect(unregistered.stdout.contains("✗ commands: guild 77: missing"), "\(unregistered.stdout)")
            #expect(unregistered.stdout.contains("slurmbot register-commands --guild 77"))
        }
    }
}
