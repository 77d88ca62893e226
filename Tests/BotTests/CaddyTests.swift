import DiscordAPI
import DiscordModels
import FixtureSupport
import Foundation
import HTTPClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("real Caddy (Debian's package) in front of slurmbot-server, with the project's Caddyfile", .serialized)
struct CaddyTests {
    @Test("signed interactions pass through Caddy; bad ones are refused; only the endpoint and /healthz are exposed")
    func throughCaddy() async throws {
        let (_, directory) = try await labDatabase()
        defer { directory.remove() }
        let (server, upstream) = try await ServerBinaryTests.start([
            "SLURMBOT_DB": directory.file("bot.db"), "DISCORD_TIMESTAMP_WINDOW": "0",
        ])
        defer { server.kill() }
        let (caddy, site) = try await Self.caddy(front: upstream, directory: directory)
        defer { caddy.kill() }

        let pong = try await ServerBinaryTests.post(site, Signer.ping)
        #expect(pong.status == 200 && String(decoding: pong.body, as: UTF8.self) == #"{"type":1}"#)
        #expect(try await ServerBinaryTests.post(site, Signer.ping, signedBy: .init()).status == 401)
        let status = try await ServerBinaryTests.post(site, Signer.command("status"))
        #expect(String(decoding: status.body, as: UTF8.self).contains("Cluster lab"))

        let health = try await ServerBinaryTests.client.execute(
            HTTPClientRequest(method: "GET", url: site + "/healthz"))
        #expect(health.status == 200 && String(decoding: health.body, as: UTF8.self).contains(#""cluster":"lab""#))
        let metrics = try await ServerBinaryTests.client.execute(
            HTTPClientRequest(method: "GET", url: site + "/metrics"))
        #expect(metrics.status == 404, "metrics stay on loopback")
        let mcp = try await ServerBinaryTests.client.execute(HTTPClientRequest(method: "POST", url: site + "/mcp"))
        #expect(mcp.status == 404, "/mcp is off without SLURMBOT_MCP_TOKEN")
        let huge = try await ServerBinaryTests.client.execute(
            HTTPClientRequest(
                method: "POST", url: site + "/interactions", headers: [("Content-Type", "application/json")],
                body: [UInt8](repeating: 0x20, count: 2_000_000)))
        // slurmbot-server answers 413 as soon as it sees the length; Caddy, still sending the body, relays that or
        // reports its own write error (502), whichever comes first. Either way the body goes nowhere.
        #expect(huge.status == 413 || huge.status == 502, "an oversized body must be refused, got \(huge.status)")

        // What went through Caddy is counted by slurmbot-server itself.
        let direct = try await ServerBinaryTests.client.execute(
            HTTPClientRequest(method: "GET", url: upstream + "/metrics"))
        #expect(String(decoding: direct.body, as: UTF8.self).contains("slurmbot_signature_failures_total 1"))
        caddy.signal(SIGTERM)
        #expect(await caddy.wait(timeout: .seconds(10)) != nil)
    }

    /// Caddy with the project's Caddyfile on a free loopback port in front of `upstream`, once it answers.
    static func caddy(front upstream: String, directory: TemporaryDirectory) async throws -> (Spawned, String) {
        let caddyBinary = "/usr/bin/caddy"
        #expect(FileManager.default.isExecutableFile(atPath: caddyBinary), "Caddy is needed: scripts/test installs it")
        let port = Ports.free()
        let caddyfile = Fixtures.root.deletingLastPathComponent().appendingPathComponent("Caddyfile").path
        let caddy = try Spawned(
            caddyBinary, ["run", "--config", caddyfile, "--adapter", "caddyfile"],
            environment: Spawned.cleanEnvironment([
                "SLURMBOT_SITE": "http://127.0.0.1:\(port)", "CADDY_ADMIN": "off",
                "SLURMBOT_UPSTREAM": String(upstream.dropFirst("http://".count)), "HOME": directory.path,
                "XDG_DATA_HOME": directory.file("caddy-data"), "XDG_CONFIG_HOME": directory.file("caddy-config"),
            ]))
        let site = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<250 where !ready {
            ready =
                (try? await ServerBinaryTests.client.execute(HTTPClientRequest(method: "GET", url: site + "/healthz")))
                != nil
            if !ready { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(ready, "Caddy did not start: \(caddy.stderr.suffix(2000))")
        return (caddy, site)
    }
}
