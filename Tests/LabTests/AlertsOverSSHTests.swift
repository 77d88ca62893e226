import DiscordAPI
import DiscordFake
import DiscordModels
import FixtureSupport
import Foundation
import Logging
import Poller
import Remote
import SlurmbotSettings
import Store
import Testing

extension LabSuite {
    @Suite("job-end alerts from the real lab: every way a job ends, announced once, with its verdict")
    struct AlertsOverSSHTests {
        static let slurm = LocalRunner(environment: [
            "SLURM_CONF": Lab.directory + "/etc/slurm.conf", "PATH": Lab.path,
        ])

        /// As root on this machine (the admin's side: node states, time limits).
        @discardableResult
        static func admin(_ command: String) async throws -> String {
            let output = try await slurm.run(command, timeout: .seconds(30))
            guard output.status == 0 else {
                throw Lab.Failure(description: "\(command) failed: \(output.stderr)")
            }
            return output.stdout
        }

        /// Job states by id, as squeue prints them now.
        static func states(_ ids: [String]) async throws -> [String: String] {
            let text = try await admin("squeue -h -t all -j \(ids.joined(separator: ",")) -o '%A|%T'")
            var states: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "|").map(String.init)
                if parts.count == 2 { states[parts[0]] = parts[1] }
            }
            return states
        }

        static func wait(
            _ what: String, seconds: Int = 90, until done: () async throws -> Bool
        ) async throws {
            let limit = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < limit {
                if try await done() { return }
                try await Task.sleep(for: .milliseconds(500))
            }
            throw Lab.Failure(description: "waited \(seconds) s for \(what)")
        }

        @Test(
            "completed, failed, out of memory, cancelled, timed out, node failure and a 50-task array: one alert each, through 500s, 429s, closed DMs and pollers gone after their commit"
        )
        func everyEnd() async throws {
            let fake = try FakeDiscord()
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let database = try Database(path: directory.file("alerts.db"))
            let (head, bastion) = try Lab.endpoints()
            let user = try SSHRunner(head: head, bastion: bastion, options: Lab.options(), logger: Lab.logger)
            let poller = Poller(
                runner: user, database: database, cluster: "slurmbotlab",
                alerts: AlertSettings(
                    defaultWatch: (try Lab.value("LAB_SSH_USER"), "1001"),
                    client: DiscordClient(baseURL: fake.baseURL, botToken: fake.botToken), hasBotToken: true),
                logger: Lab.logger)
            _ = try await poller.pollOnce()
            #expect(fake.messages.isEmpty, "the lab's ended jobs are history at the first poll")
            // A second watcher of the lab user's jobs who does not take DMs from the bot.
            fake.closeDMs(of: "2002")
            try await database.run { connection in
                try connection.addWatch(
                    Watch(
                        cluster: "slurmbotlab", kind: .user, subject: try Lab.value("LAB_SSH_USER"),
                        discordUser: "2002", notify: .dm, createdAt: 0))
            }

            try await Self.admin("scontrol update nodename=n6 state=resume")
            do {
                // Submitted as the lab user over SSH, as a researcher would.
                func submit(_ arguments: String) async throws -> String {
                    let output = try await user.run(
                        "sbatch --parsable -p batch -o /dev/null \(arguments)", timeout: .seconds(30))
                    let id = output.stdout.split(separator: ";").first.map {
                        $0.trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                    guard output.status == 0, let id, !id.isEmpty else {
                        throw Lab.Failure(description: "sbatch \(arguments): \(output.stderr)")
                    }
                    return id
                }
                let nodeFail = try await submit("-J t-nodefail -w n6 --no-requeue -t 60 --wrap 'sleep 600'")
                // n10's slurmd is gone and Slurm may not have noticed yet: it would end these as NODE_FAIL.
                let done = try await submit("-J t-done -x n6,n10 -t 5 --wrap 'sleep 1'")
                let crash = try await submit("-J t-crash -x n6,n10 -t 5 --wrap 'echo boom >&2; exit 3'")
                let memhog = try await submit(
                    #"-J t-memhog -x n6,n10 -t 5 --mem=100 --wrap 'perl -e "\$x = q(x) x (600*1024*1024); sleep 120"'"#)
                let cancel = try await submit("-J t-cancel -x n6,n10 -t 60 --wrap 'sleep 600'")
                let slow = try await submit("-J t-slow -x n6,n10 -t 1 --wrap 'sleep 600'")
                let sweep = try await submit("-J t-sweep -x n6,n10 -t 5 --array=1-50 --wrap 'true'")
                let singles = [nodeFail, done, crash, memhog, cancel, slow]

                try await Self.wait("the jobs to start") {
                    let states = try await Self.states([nodeFail, cancel, slow])
                    return states.values.filter { $0 == "RUNNING" }.count == 3
                }
                _ = try await poller.pollOnce()
                _ = try await user.run("scancel \(cancel)", timeout: .seconds(30))
                try await Self.admin("scontrol update nodename=n6 state=down reason='lab: simulated hardware failure'")
                // scontrol reads "now" to the second and slurmctld refuses an end before its own now: when a second
                // ticks over between the two (seen once in CI), ask again.
                for attempt in 1...5 {
                    do {
                        try await Self.admin("scontrol update jobid=\(slow) EndTime=now")
                        break
                    } catch let failure as Lab.Failure
                        where attempt < 5 && failure.description.contains("Invalid time specified")
                    {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                let final: Set<String> = [
                    "COMPLETED", "FAILED", "OUT_OF_MEMORY", "CANCELLED", "TIMEOUT", "NODE_FAIL",
                ]
                var round = 0
                try await Self.wait("every job to end", seconds: 150) {
                    // Once, Discord answers the next requests 500 then 429 (the client retries within the run);
                    // every other poll, the poller "dies" after its commit and the next one delivers.
                    round += 1
                    if round == 2 {
                        fake.script(
                            .init(status: 500, body: #"{"message": "oops", "code": 0}"#), .rateLimited(after: 0.2))
                    }
                    // Not delivering is what a poller killed right after its commit leaves behind.
                    _ = try await poller.pollOnce(deliver: round % 2 == 1)
                    let states = try await Self.states(singles + [sweep])
                    return states.count == singles.count + 50 && states.values.allSatisfy(final.contains)
                }
                // Ten more polls of a cluster where nothing ends: nothing more is sent.
                for _ in 0..<10 { _ = try await poller.pollOnce() }
            } catch {
                _ = try? await Self.admin(
                    "scontrol update nodename=n6 state=down reason='lab: simulated hardware failure'")
                throw error
            }

            // The lab's own 1-minute job (too-slow) may time out during the test: that end is news too.
            let all = fake.messages
            let messages = all.filter { $0.content.contains("`t-") }
            #expect(
                messages.count == 7,
                "\(all.map { $0.content + " " + String(decoding: $0.payload, as: UTF8.self) })")
            #expect(Set(all.map(\.content)).count == all.count, "no end is announced twice")
            #expect(messages.allSatisfy { $0.channel == "dm-1001" })
            func message(_ name: String) -> FakeDiscord.Message? {
                messages.first { $0.content.contains("`\(name)`") }
            }
            func verdict(_ name: String) -> String {
                ((message(name)?.json?["embeds"] as? [[String: Any]])?.first?["description"] as? String) ?? ""
            }
            #expect(message("t-done")?.content.hasSuffix("completed successfully.") == true)
            #expect(message("t-crash")?.content.hasSuffix("failed (non-zero exit).") == true)
            #expect(verdict("t-crash").contains("with exit code 3: most likely an error in the script"))
            let memhog = message("t-memhog")?.content ?? ""
            #expect(memhog.hasSuffix("ran out of memory.") || memhog.hasSuffix("failed (non-zero exit)."), "\(memhog)")
            #expect(verdict("t-memhog").contains("100 MB"), "\(verdict("t-memhog"))")
            #expect(message("t-cancel")?.content.hasSuffix("cancelled.") == true)
            #expect(message("t-slow")?.content.hasSuffix("hit its time limit.") == true)
            #expect(verdict("t-slow").hasPrefix("Hit its time limit of 1 min"))
            #expect(message("t-nodefail")?.content.hasSuffix("killed by a node failure.") == true)
            #expect(verdict("t-nodefail").hasPrefix("Its node n6 failed"))
            #expect(
                message("t-sweep")?.content.hasSuffix("50 tasks) ended: 50 completed successfully.") == true,
                "\(message("t-sweep")?.content ?? "none")")
            let outbox = try await database.run { try $0.outbox(cluster: "slurmbotlab") }
            let toBlocked = outbox.filter { $0.discordUser == "2002" }
            #expect(
                outbox.count - toBlocked.count == all.count
                    && outbox.allSatisfy { ($0.sentAt != nil) != ($0.failedAt != nil) })
            #expect(
                toBlocked.count == all.count && toBlocked.allSatisfy { $0.lastError?.contains("50007") == true },
                "every alert for the watcher with closed DMs is refused once and kept")
            await fake.shutdown()
        }
    }
}
