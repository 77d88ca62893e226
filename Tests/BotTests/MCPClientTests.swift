import FixtureSupport
import Foundation
import HTTPClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// slurmbot's MCP server as agents meet it: the official Python client (PyPI `mcp`, `scripts/mcp-client.py`) over
/// stdio against `slurmbot mcp`, and over Streamable HTTP through real Caddy to `slurmbot-server`.
@Suite("the official MCP client, over stdio and through Caddy", .serialized)
struct MCPClientTests {
    static let script = Fixtures.root.deletingLastPathComponent().appendingPathComponent("scripts/mcp-client.py").path

    /// Runs the client's full check and returns its report.
    static func check(_ arguments: [String]) async throws -> [String: Any] {
        let client = try Spawned(
            "/usr/bin/env", ["python3", script, "check"] + arguments, environment: Spawned.cleanEnvironment([:]))
        let status = await client.wait(timeout: .seconds(120))
        #expect(status == 0, "mcp-client: \(client.stderr.suffix(3000))")
        let data = Data(client.stdout.utf8)
        return try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(client.stdout.prefix(500))")
    }

    /// What every transport must show: all ten tools, each answering, every hostile argument refused as a tool
    /// error, a close name for an unknown tool, the resources and the prompt.
    static func expectComplete(_ report: [String: Any], cluster: String) {
        #expect(report["server"] as? String == "slurmbot")
        let tools = report["tools"] as? [String] ?? []
        #expect(
            tools == [
                "cluster_status", "explain_pending", "find_resources", "get_job", "get_node", "list_jobs",
                "list_nodes", "list_partitions", "recent_job_ends", "usage_history",
            ])
        #expect(report["read_only"] as? Bool == true)
        let calls = report["calls"] as? [String: [String: Any]] ?? [:]
        #expect(calls.count == 10)
        for (name, call) in calls {
            #expect(call["error"] as? Bool == false, "\(name): \(call["text"] ?? "")")
            let structured = call["structured"] as? [String: Any] ?? [:]
            #expect(structured["cluster"] as? String == cluster && structured["data_as_of"] is String, "\(name)")
        }
        let hostile = report["hostile"] as? [String: [String: Any]] ?? [:]
        #expect(hostile.count == 13)
        for (label, call) in hostile {
            #expect(call["error"] as? Bool == true && call["protocol"] == nil, "\(label): \(call)")
        }
        #expect((report["unknown_tool"] as? String)?.contains("Did you mean cluster_status") == true)
        #expect(report["resources"] as? [String] == ["slurm://\(cluster)/status"])
        #expect((report["templates"] as? [String])?.contains("slurm://{cluster}/nodes/{node}") == true)
        #expect((report["status_resource"] as? [String: Any])?["summary"] is String)
        #expect(report["prompts"] as? [String] == ["where_to_run"])
        #expect((report["prompt"] as? String)?.contains("cpus=8") == true)
    }

    @Test("stdio: slurmbot mcp on the lab's real output, every tool, resource and prompt; hostile arguments refused")
    func stdio() async throws {
        let (_, directory) = try await labDatabase()
        defer { directory.remove() }
        let slurmbot = try #require(Products.path("slurmbot"))
        let report = try await Self.check(["--stdio", "\(slurmbot) mcp --db \(directory.file("bot.db"))"])
        Self.expectComplete(report, cluster: "lab")
    }

    @Test("Streamable HTTP through Caddy on the simulated cluster; no token, a wrong one or a web page: refused")
    func throughCaddy() async throws {
        let (_, directory) = try await simulatedDatabase(hours: 2)
        defer { directory.remove() }
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let tokenFile = directory.file("mcp-token")
        try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: tokenFile))
        let (server, upstream) = try await ServerBinaryTests.start([
            "SLURMBOT_DB": directory.file("sim.db"), "SLURMBOT_MCP_TOKEN_FILE": tokenFile, "SLURMBOT_CLUSTER": "demo",
        ])
        defer { server.kill() }
        let (caddy, site) = try await CaddyTests.caddy(front: upstream, directory: directory)
        defer { caddy.kill() }

        let report = try await Self.check(["--http", site + "/mcp", "--token-file", tokenFile])
        Self.expectComplete(report, cluster: "demo")

        let initialize = Array(
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
                .utf8)
        let json: [(String, String)] = [
            ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
        ]
        for (headers, status) in [
            (json, 401),
            (json + [("Authorization", "Bearer " + token.dropLast() + (token.hasSuffix("0") ? "1" : "0"))], 401),
            (json + [("Authorization", "Bearer " + token), ("Origin", "https://evil.example")], 403),
        ] {
            let started = ContinuousClock.now
            let response = try await ServerBinaryTests.client.execute(
                HTTPClientRequest(method: "POST", url: site + "/mcp", headers: headers, body: initialize))
            #expect(response.status == status, "\(headers)")
            #expect(ContinuousClock.now - started < .seconds(1))
        }
        #expect(!server.stderr.contains(token), "the token never reaches the log")
    }
}
