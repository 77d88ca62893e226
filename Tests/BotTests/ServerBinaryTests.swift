import DiscordAPI
import DiscordFake
import DiscordModels
import FixtureSupport
import Foundation
import HTTPClient
import Store
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("slurmbot-server and slurmbot register-commands, run as a user runs them", .serialized)
struct ServerBinaryTests {
    /// The key PyNaCl derives from the seed 0, 1, …, 31: the server trusts it, Python signs with it.
    static let key = SigningKey(seed: Array(0..<32))!
    static let client = HTTPClient(userAgent: "Discord-Interactions/1.0 (+https://discord.com)")

    /// Starts the built server on a free port with `extra` settings; returns it and its base URL.
    static func start(_ extra: [String: String] = [:]) async throws -> (Spawned, String) {
        let server = try Spawned(
            try #require(Products.path("slurmbot-server")), [],
            environment: Spawned.cleanEnvironment(
                [
                    "DISCORD_PUBLIC_KEY": key.publicKeyHex, "SLURMBOT_LISTEN": "127.0.0.1:0",
                    "SLURMBOT_DB": "/nonexistent/db",
                ]
                .merging(extra) { $1 }))
        let line = try #require(await server.waitForOutput(containing: "listening on"), "stderr: \(server.stderr)")
        let url = try #require(
            line.components(separatedBy: "listening on ").last?.components(separatedBy: "/interactions").first)
        return (server, url)
    }

    static func post(
        _ url: String, _ body: String, signedBy key: SigningKey = ServerBinaryTests.key, at time: Int64? = nil
    )
        async throws -> HTTPClientResponse
    {
        let bytes = Array(body.utf8)
        let (signature, timestamp) = key.headers(for: bytes, timestamp: time ?? Int64(Date().timeIntervalSince1970))
        return try await client.execute(
            HTTPClientRequest(
                method: "POST", url: url + "/interactions",
                headers: [
                    ("Content-Type", "application/json"), ("X-Signature-Ed25519", signature),
                    ("X-Signature-Timestamp", timestamp),
                ], body: bytes))
    }

    @Test("signed PING answered, PyNaCl-signed PING from Python answered, bad signatures refused; SIGTERM stops it")
    func pingAndStop() async throws {
        let (server, url) = try await Self.start()
        defer { server.kill() }
        let pong = try await Self.post(url, Signer.ping)
        #expect(pong.status == 200 && String(decoding: pong.body, as: UTF8.self) == #"{"type":1}"#)
        #expect(pong.headers["content-type"] == "application/json")
        #expect(try await Self.post(url, Signer.ping, signedBy: SigningKey()).status == 401)
        #expect(try await Self.post(url, Signer.ping, at: 1000).status == 401, "a replay from long ago")

        let script = """
            import json, sys, time, urllib.request, urllib.error, nacl.signing
            key = nacl.signing.SigningKey(bytes(range(32)))
            def send(body, signature=None):
                ts = str(int(time.time()))
                sig = signature or key.sign((ts + body).encode()).signature.hex()
                request = urllib.request.Request(sys.argv[1] + '/interactions', data=body.encode(), method='POST',
                    headers={'Content-Type': 'application/json', 'X-Signature-Ed25519': sig, 'X-Signature-Timestamp': ts})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        return response.status, response.read().decode()
                except urllib.error.HTTPError as error:
                    return error.code, error.read().decode()
            print(json.dumps([send('{"type":1,"id":"1","application_id":"2","token":"t","version":1}'),
                              send('{"type":1}', signature='00' * 64)]))
            """
        let python = try Spawned(
            "/usr/bin/env", ["python3", "-c", script, url], environment: Spawned.cleanEnvironment([:]))
        #expect(await python.wait(timeout: .seconds(30)) == 0, "\(python.stderr)")
        #expect(
            python.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == #"[[200, "{\"type\":1}"], [401, "invalid request signature\n"]]"#)

        server.signal(SIGTERM)
        #expect(await server.wait(timeout: .seconds(15)) == 0)
        #expect(server.stderr.contains("SIGTERM: stopping") && server.stderr.contains("stopped"))
    }

    @Test("5,000 silent sockets held open (past the 4,096 cap): a signed PING still gets through at once")
    func manyConnections() async throws {
        let (server, url) = try await Self.start()
        defer { server.kill() }
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        for _ in 0..<5000 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            #expect(connected == 0)
            held.append(fd)
        }
        // Prometheus' text format: counters print as integers, gauges as decimals ("4096.0").
        func metric(_ name: String) async throws -> Int? {
            let metrics = try await Self.client.execute(HTTPClientRequest(method: "GET", url: url + "/metrics"))
            return String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }.map { Int($0) }
        }
        // Let the server accept them all: each past the cap takes the place of the one idle longest.
        let settled = ContinuousClock.now + .seconds(10)
        while try await metric("slurmbot_http_connections_total") ?? 0 < 5000 && ContinuousClock.now < settled {
            try await Task.sleep(for: .milliseconds(50))
        }
        let clock = ContinuousClock()
        let started = clock.now
        let pong = try await Self.post(url, Signer.ping)
        let took = clock.now - started
        #expect(pong.status == 200 && String(decoding: pong.body, as: UTF8.self) == #"{"type":1}"#)
        #expect(took < .seconds(1), "the PING took \(took)")
        let open = try await metric("slurmbot_http_connections_open") ?? -1
        let evicted = try await metric("slurmbot_http_connections_evicted_total") ?? -1
        #expect(open <= 4096 && open >= 4000, "open: \(open)")
        #expect(evicted >= 900, "evicted: \(evicted)")
        #expect(try await metric("slurmbot_http_connections_refused_total") == 0, "no one was turned away")
    }

    @Test("a database it cannot use is named with the reason: missing, not a database, schema too new")
    func unusableDatabase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let garbage = directory.file("garbage.db")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let newer = directory.file("newer.db")
        try Connection(path: newer).execute("PRAGMA user_version = 999")
        for (path, reason) in [
            (directory.file("missing.db"), "no database at \(directory.file("missing.db")) yet"),
            (garbage, "file is not a database"),
            (newer, "schema version 999 is newer than this build knows"),
        ] {
            let (server, url) = try await Self.start(["SLURMBOT_DB": path])
            defer { server.kill() }
            let pong = try await Self.post(url, Signer.ping)
            #expect(pong.status == 200, "PING still answers")
            let said = server.stdout + server.stderr
            #expect(said.contains(reason), "for \(path): \(said)")
        }
    }

    @Test("/status over the wire from the database the poller filled")
    func statusOverTheWire() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        _ = database
        let (server, url) = try await Self.start([
            "SLURMBOT_DB": directory.file("bot.db"), "SLURMBOT_TIMEZONE": "UTC", "DISCORD_TIMESTAMP_WINDOW": "0",
        ])
        defer { server.kill() }
        let response = try await Self.post(url, Signer.command("status", options: [("partition", "debug")]))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let embed = try #require(((json["data"] as? [String: Any])?["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] as? String == "Cluster lab, partition debug")
        #expect((embed["description"] as? String)?.contains("debug*") == true)
        let health = try await Self.client.execute(HTTPClientRequest(method: "GET", url: url + "/healthz"))
        #expect(health.status == 200)
    }

    /// The server on a database holding one poll of the lab (cluster "lab"), with `extra` settings.
    static func startOnLab(_ extra: [String: String]) async throws -> (Spawned, String, TemporaryDirectory) {
        let (_, directory) = try await labDatabase()
        let (server, url) = try await start(
            ["SLURMBOT_DB": directory.file("bot.db"), "SLURMBOT_CLUSTER": "lab", "DISCORD_TIMESTAMP_WINDOW": "0"]
                .merging(extra) { $1 })
        return (server, url, directory)
    }

    @Test("a node probe that takes 6 s: type 5 leaves at the 2 s deferral limit, inside Discord's 3 s; the edit after")
    func deferralDeadlineOverTheWire() async throws {
        let fake = try FakeDiscord()
        let (server, url, directory) = try await Self.startOnLab([
            "SLURM_SOURCE": "local", "SLURMBOT_NODE_PROBE": "sleep 6; cat /proc/loadavg /proc/meminfo # {node}",
            "DISCORD_API_BASE": fake.baseURL,
        ])
        defer { directory.remove() }
        defer { server.kill() }
        // One answer first, so what is timed is the deferral, not the debug build's first request in a process
        // that the parallel suites leave little CPU (it once took 2.7 s in all under the full suite).
        _ = try await Self.post(url, Signer.command("help"))
        let clock = ContinuousClock()
        let started = clock.now
        let response = try await Self.post(url, Signer.command("inspect", options: [("node", "n1")], token: "probe"))
        let answeredAfter = clock.now - started
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(json["type"] as? Int == 5)
        // Alone it leaves at 2.0x s; beside the full suite on two cores the test's own client has measured up to
        // 2.34 s. The deadline that matters is Discord's 3 s, which the 2 s limit leaves room for.
        #expect(answeredAfter >= .seconds(2) && answeredAfter < .seconds(3), "type 5 after \(answeredAfter)")
        let edit = try #require(await fake.requests(count: 1, timeout: .seconds(20)).first)
        #expect(edit.method == "PATCH" && edit.path.hasSuffix("/webhooks/42/probe/messages/@original"))
        #expect(edit.at - started >= .seconds(6), "the edit carries the probe's answer")
        await fake.shutdown()
    }

    @Test("40 chart replies deferred to a Discord API that never answers: the server's threads stay bounded")
    func threadsBoundedWhenDiscordHangs() async throws {
        let hole = try BlackHole()
        let (server, url, directory) = try await Self.startOnLab([
            "DISCORD_API_BASE": "http://127.0.0.1:\(hole.port)/api/v10"
        ])
        defer { directory.remove() }
        defer { server.kill() }
        func threads() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.pid)/task").count
        }
        let first = try await Self.post(url, Signer.command("history", token: "warm-up"))
        #expect(try JSONSerialization.jsonObject(with: Data(first.body)) as? [String: Any] != nil)
        try await Task.sleep(for: .milliseconds(500))
        let before = try threads()
        for index in 0..<40 {
            let response = try await Self.post(url, Signer.command("history", token: "t\(index)"))
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(json?["type"] as? Int == 5, "a chart is always deferred")
        }
        try await Task.sleep(for: .seconds(1))
        let during = try threads()
        // The HTTP client's 8 transfer threads are already there after the warm-up; a thread per waiting edit was
        // the fault (40 more here, 160 in the field).
        #expect(during <= before + 4, "\(before) threads before, \(during) with 41 edits waiting for Discord")
        let pong = try await Self.post(url, Signer.ping)
        #expect(pong.status == 200)
        withExtendedLifetime(hole) {}
    }

    @Test("/inspect over the wire reads the node live when SLURMBOT_NODE_PROBE is set")
    func inspectLiveOverTheWire() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        _ = database
        let (server, url) = try await Self.start([
            "SLURMBOT_DB": directory.file("bot.db"), "SLURMBOT_CLUSTER": "lab", "DISCORD_TIMESTAMP_WINDOW": "0",
            "SLURM_SOURCE": "local", "SLURMBOT_NODE_PROBE": "cat /proc/loadavg /proc/meminfo # {node}",
        ])
        defer { server.kill() }
        let response = try await Self.post(url, Signer.command("inspect", options: [("node", "n1")]))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let embed = try #require(((json["data"] as? [String: Any])?["embeds"] as? [[String: Any]])?.first)
        #expect(
            embed["description"] as? String
                == "Load and available memory read on the node just now; allocations as of the last poll.")
    }

    @Test("bad configuration exits 2, naming the setting")
    func badConfiguration() async throws {
        let binary = try #require(Products.path("slurmbot-server"))
        for (environment, message) in [
            ([:], "DISCORD_PUBLIC_KEY is not set"),
            (["DISCORD_PUBLIC_KEY": "abcd"], "DISCORD_PUBLIC_KEY must be 64 hex digits"),
            (
                ["DISCORD_PUBLIC_KEY": Self.key.publicKeyHex, "SLURMBOT_LISTEN": "nowhere"],
                "SLURMBOT_LISTEN must be HOST:PORT"
            ),
            (
                ["DISCORD_PUBLIC_KEY": Self.key.publicKeyHex, "DISCORD_GUILD_IDS": "12,x"],
                "DISCORD_GUILD_IDS must list guild ids"
            ),
            (
                ["DISCORD_PUBLIC_KEY": Self.key.publicKeyHex, "SLURMBOT_NODE_PROBE": "cat /proc/loadavg"],
                "SLURMBOT_NODE_PROBE must contain {node}"
            ),
        ] {
            let run = try Spawned(binary, [], environment: Spawned.cleanEnvironment(environment))
            #expect(await run.wait() == 2)
            #expect(run.stderr.contains(message), "\(run.stderr)")
        }
    }

    @Test("register-commands: the whole set in one PUT Discord's rules accept; --guild; a refused token; --dry-run")
    func registerCommands() async throws {
        let fake = try FakeDiscord(botToken: "right-token")
        let binary = try #require(Products.path("slurmbot"))
        func run(_ arguments: [String], token: String = "right-token", app: String = "4242") async throws -> Spawned {
            let process = try Spawned(
                binary, ["register-commands"] + arguments,
                environment: Spawned.cleanEnvironment([
                    "DISCORD_API_BASE": fake.baseURL, "DISCORD_APPLICATION_ID": app, "DISCORD_BOT_TOKEN": token,
                ]))
            _ = await process.wait(timeout: .seconds(30))
            return process
        }
        let global = try await run([])
        #expect(global.exitStatus == 0, "\(global.stderr)")
        #expect(global.stdout.contains("Registered 16 commands globally"))
        let put = try #require(fake.requests.last)
        #expect(put.path == "/api/v10/applications/4242/commands" && put.problems.isEmpty, "\(put.problems)")
        let names = try #require(try JSONSerialization.jsonObject(with: Data(put.body)) as? [[String: Any]]).map {
            $0["name"] as? String
        }
        #expect(
            names == [
                "status", "queue", "history", "heatmap", "inspect", "canrun", "why", "watch", "unwatch", "watches",
                "link", "unlink", "myjobs", "summary", "ask", "help",
            ])
        let guild = try await run(["--guild", "77"])
        #expect(guild.exitStatus == 0 && fake.requests.last?.path == "/api/v10/applications/4242/guilds/77/commands")
        let refused = try await run([], token: "stolen-and-revoked")
        #expect(refused.exitStatus == 1 && refused.stderr.contains("Discord refused the bot token (401)"))
        #expect(!refused.stderr.contains("stolen-and-revoked") && !refused.stdout.contains("stolen-and-revoked"))
        let noApp = try await run([], app: "")
        #expect(noApp.exitStatus == 2 && noApp.stderr.contains("set DISCORD_APPLICATION_ID"))
        let dry = try await run(["--dry-run"], token: "", app: "")
        #expect(dry.exitStatus == 0 && dry.stdout.contains("\"name\" : \"inspect\""))
        await fake.shutdown()
    }
}
