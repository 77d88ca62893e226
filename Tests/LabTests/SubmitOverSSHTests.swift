import FixtureSupport
import Foundation
import Testing

extension LabSuite {
    @Suite("plan_job and submit_job through the official MCP client, to the real Slurm over SSH")
    struct SubmitOverSSHTests {
        static let client =
            Fixtures.root.deletingLastPathComponent().appendingPathComponent("scripts/mcp-client.py").path

        /// The client's `submit` report against `slurmbot mcp` with the lab's poller settings and `extra`.
        static func report(db: String, _ extra: [String: String]) async throws -> [String: Any] {
            let slurmbot = try #require(Products.path("slurmbot"))
            let python = try Spawned(
                "/usr/bin/env", ["python3", client, "submit", "--stdio", "\(slurmbot) mcp --db \(db)"],
                environment: Spawned.cleanEnvironment(
                    ["SLURMBOT_ENV_FILE": Lab.directory + "/poller.env"].merging(extra) { $1 }))
            #expect(await python.wait(timeout: .seconds(120)) == 0, "\(python.stderr.suffix(3000))")
            return try #require(
                try JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? [String: Any],
                "\(python.stdout.prefix(500)) \(python.stderr.suffix(2000))")
        }

        @Test("on: Slurm says when it would start, then takes it (it shows in squeue); hostile submissions refused")
        func submit() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let db = directory.file("lab.db")
            let poll = try await Products.run(
                "slurmbot-poller", ["--db", db], environment: ["SLURMBOT_ENV_FILE": Lab.directory + "/poller.env"])
            try #require(poll.status == 0, "\(poll.stderr)")

            let off = try await Self.report(db: db, [:])
            #expect((off["tools"] as? [String])?.contains("submit_job") == false, "off by default: not even listed")
            let refused = off["submit"] as? [String: Any] ?? [:]
            #expect(refused["error"] as? Bool == true)
            #expect((refused["text"] as? String)?.contains("SLURMBOT_MCP_ALLOW_SUBMIT=1") == true, "\(refused)")

            let on = try await Self.report(db: db, ["SLURMBOT_MCP_ALLOW_SUBMIT": "1"])
            #expect((on["tools"] as? [String])?.contains("submit_job") == true)
            let plan = on["plan"] as? [String: Any] ?? [:]
            #expect(plan["error"] as? Bool == false, "\(plan)")
            let planned = plan["structured"] as? [String: Any] ?? [:]
            #expect(planned["would_start_at"] is String && planned["submitted"] as? Bool == false, "\(planned)")
            let submitted = (on["submit"] as? [String: Any])?["structured"] as? [String: Any] ?? [:]
            let id = try #require(submitted["job_id"] as? String, "\(on["submit"] ?? "")")
            let squeue = try await AlertsOverSSHTests.admin("squeue -h -t all -j \(id) -o '%A|%u|%j|%l'")
            #expect(
                squeue.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "\(id)|\(try Lab.value("LAB_SSH_USER"))|slurmbot-mcp-test|5:00", "squeue: \(squeue)")
            _ = try await AlertsOverSSHTests.admin("scancel \(id)")

            let hostile = on["hostile"] as? [String: [String: Any]] ?? [:]
            #expect(hostile.count == 10)
            for (label, answer) in hostile {
                #expect(answer["error"] as? Bool == true, "\(label) was not refused: \(answer)")
            }
            let after = try await AlertsOverSSHTests.admin(
                "squeue -h -t all -u \(try Lab.value("LAB_SSH_USER")) -o '%j'")
            #expect(
                !after.contains("x; reboot")
                    && after.split(separator: "\n").filter { $0 == "slurmbot-mcp-test" }.count <= 1)
        }
    }
}
