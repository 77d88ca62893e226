import DiscordAPI
import FixtureSupport
import Foundation
import HTTPClient
import Remote
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The deployment files checked by the tools made for them: hadolint, Docker Compose's own parser, systemd.
@Suite("docker/ and deploy/systemd/: linted, parsed and verified by the real tools")
struct DeployFilesTests {
    static let repository = Fixtures.root.deletingLastPathComponent().path

    /// A command through `sh`, with the directory where pip put hadolint and docker-compose on PATH.
    static func shell(_ command: String, timeout: Duration = .seconds(120)) async throws -> CommandOutput {
        let pipScripts = #"$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null)"#
        return try await LocalRunner().run(
            "export PATH=\"\(pipScripts):$PATH:/usr/sbin:/sbin\"; " + command, timeout: timeout)
    }

    @Test("hadolint passes docker/Dockerfile, and fails a Dockerfile with a known mistake")
    func hadolint() async throws {
        let good = try await Self.shell("hadolint '\(Self.repository)/docker/Dockerfile'")
        #expect(good.status == 0, "hadolint: \(good.stdout)\(good.stderr)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // `cd` inside RUN is DL3003: the tool really reads the file.
        try "FROM debian:bookworm-slim\nRUN cd /tmp && true\n".write(
            toFile: directory.file("Dockerfile"), atomically: true, encoding: .utf8)
        let bad = try await Self.shell("hadolint '\(directory.file("Dockerfile"))'")
        #expect(bad.status != 0 && bad.stdout.contains("DL3003"), "\(bad.stdout)")
    }

    @Test("docker compose config -q accepts compose.yaml with the example .env; a wrong key or no site is refused")
    func compose() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let docker = directory.file("docker")
        try FileManager.default.createDirectory(atPath: docker + "/secrets", withIntermediateDirectories: true)
        for file in ["compose.yaml", "Dockerfile"] {
            try FileManager.default.copyItem(atPath: "\(Self.repository)/docker/\(file)", toPath: "\(docker)/\(file)")
        }
        try FileManager.default.copyItem(atPath: "\(Self.repository)/docker/example.env", toPath: "\(docker)/.env")
        try FileManager.default.copyItem(
            atPath: "\(Self.repository)/Caddyfile", toPath: directory.file("Caddyfile"))
        for secret in ["slurm_ssh_key", "known_hosts", "discord_public_key", "discord_bot_token"] {
            _ = FileManager.default.createFile(atPath: "\(docker)/secrets/\(secret)", contents: Data())
        }
        let good = try await Self.shell("cd '\(docker)' && docker-compose -f compose.yaml config -q")
        #expect(good.status == 0, "compose: \(good.stderr)")
        let rendered = try await Self.shell("cd '\(docker)' && docker-compose -f compose.yaml config")
        #expect(rendered.stdout.contains("SLURMBOT_UPSTREAM: slurmbot-server:8080"))
        #expect(rendered.stdout.contains("condition: service_healthy"), "Caddy starts once the server is healthy")
        #expect(!rendered.stdout.contains("DISCORD_BOT_TOKEN:"), "secrets come as files, never as values")

        let text = try String(contentsOfFile: "\(docker)/compose.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "image: caddy:2", with: "imagex: caddy:2").write(
            toFile: "\(docker)/broken.yaml", atomically: true, encoding: .utf8)
        let broken = try await Self.shell("cd '\(docker)' && docker-compose -f broken.yaml config -q")
        #expect(broken.status != 0 && broken.stderr.contains("imagex"), "\(broken.stderr)")
        try "DISCORD_APPLICATION_ID=1\n".write(toFile: "\(docker)/.env", atomically: true, encoding: .utf8)
        let noSite = try await Self.shell("cd '\(docker)' && docker-compose -f compose.yaml config -q")
        #expect(noSite.status != 0 && noSite.stderr.contains("set SLURMBOT_SITE"), "\(noSite.stderr)")
    }

    @Test("systemd-analyze verify passes the units, with no warning; a misspelt hardening key is caught")
    func systemd() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        // A root with the units, the binaries they start and systemd's own units (verify loads their targets).
        let units = root.file("etc/systemd/system")
        try FileManager.default.createDirectory(atPath: units, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.file("usr/local/bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.file("usr/lib/systemd"), withIntermediateDirectories: true)
        let names = ["slurmbot-server.service", "slurmbot-poller.service", "slurmbot-poller.timer"]
        for name in names {
            try FileManager.default.copyItem(
                atPath: "\(Self.repository)/deploy/systemd/\(name)", toPath: "\(units)/\(name)")
        }
        for binary in ["slurmbot-server", "slurmbot-poller"] {
            try FileManager.default.copyItem(
                atPath: try #require(Products.path(binary)), toPath: root.file("usr/local/bin/\(binary)"))
        }
        let copied = try await Self.shell("cp -a /usr/lib/systemd/system '\(root.file("usr/lib/systemd"))/'")
        #expect(copied.status == 0, "\(copied.stderr)")
        func verify(_ units: [String]) async throws -> CommandOutput {
            try await Self.shell(
                "systemd-analyze verify --root='\(root.path)' "
                    + units.map { "/etc/systemd/system/\($0)" }.joined(separator: " "))
        }
        let good = try await verify(names)
        #expect(good.status == 0 && good.stderr.isEmpty && good.stdout.isEmpty, "\(good.stdout)\(good.stderr)")

        let text = try String(contentsOfFile: "\(units)/slurmbot-server.service", encoding: .utf8)
        try text.replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystm=strict").write(
            toFile: "\(units)/slurmbot-typo.service", atomically: true, encoding: .utf8)
        let typo = try await verify(["slurmbot-typo.service"])
        #expect(typo.stderr.contains("Unknown key 'ProtectSystm'"), "\(typo.stderr)")
        for hardening in ["ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "StateDirectory=slurmbot"] {
            #expect(text.contains(hardening))
        }
        #expect(text.contains("LoadCredential=discord_bot_token:"))
    }
}

/// slurmbot's runtime image (docker/Dockerfile) built with podman on a Debian 12 base made here, then run.
@Suite("the container image, built by podman from docker/Dockerfile and run", .enabled(if: getuid() == 0))
struct ContainerTests {
    @Test("a signed PING is answered through the container, /healthz is healthy, it runs as a non-root user")
    func runTheImage() async throws {
        let binaries = try #require(Products.path("slurmbot-server")).split(separator: "/").dropLast().joined(
            separator: "/")
        let build = try await DeployFilesTests.shell(
            "'\(DeployFilesTests.repository)/scripts/container' build '/\(binaries)'", timeout: .seconds(900))
        try #require(build.status == 0, "scripts/container build: \(build.stderr.suffix(3000))")
        let image = try #require(build.stdout.split(separator: " ").first.map(String.init))

        let (_, directory) = try await labDatabase()
        defer { directory.remove() }
        // The image's user (10001) owns its data volume.
        #expect(chown(directory.path, 10001, 10001) == 0 && chown(directory.file("bot.db"), 10001, 10001) == 0)
        let port = Ports.free()
        let name = "slurmbot-test-\(port)"
        let run = try await DeployFilesTests.shell(
            "podman run -d --name \(name) --network=host --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "
                + "-e DISCORD_PUBLIC_KEY=\(ServerBinaryTests.key.publicKeyHex) -e SLURMBOT_LISTEN=127.0.0.1:\(port) "
                + "-e SLURMBOT_DB=/data/bot.db -e DISCORD_TIMESTAMP_WINDOW=0 -v '\(directory.path)':/data \(image)")
        try #require(run.status == 0, "podman run: \(run.stderr)")
        defer { _ = system("podman rm -f \(name) >/dev/null 2>&1") }

        let site = "http://127.0.0.1:\(port)"
        var healthy: HTTPClientResponse?
        for _ in 0..<200 where healthy?.status != 200 {
            healthy = try? await ServerBinaryTests.client.execute(
                HTTPClientRequest(method: "GET", url: site + "/healthz"))
            if healthy?.status != 200 { try await Task.sleep(for: .milliseconds(50)) }
        }
        let logs = try await DeployFilesTests.shell("podman logs \(name)")
        try #require(healthy?.status == 200, "no /healthz: \(logs.stderr.suffix(2000))")
        let health = String(decoding: healthy?.body ?? [], as: UTF8.self)
        #expect(health.contains(#""cluster":"lab""#))

        let pong = try await ServerBinaryTests.post(site, Signer.ping)
        #expect(pong.status == 200 && String(decoding: pong.body, as: UTF8.self) == #"{"type":1}"#)
        #expect(try await ServerBinaryTests.post(site, Signer.ping, signedBy: .init()).status == 401)
        let status = try await ServerBinaryTests.post(site, Signer.command("status"))
        #expect(String(decoding: status.body, as: UTF8.self).contains("Cluster lab"))

        let check = try await DeployFilesTests.shell("podman healthcheck run \(name)")
        #expect(check.status == 0, "the image's HEALTHCHECK: \(check.stdout)\(check.stderr)")
        let user = try await DeployFilesTests.shell("podman exec \(name) id -u")
        #expect(user.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "10001")
        let backup = try await DeployFilesTests.shell("podman exec \(name) slurmbot backup --to /data/copy.db")
        #expect(backup.status == 0 && backup.stdout.contains("integrity ok"), "\(backup.stdout)\(backup.stderr)")
        let stop = try await DeployFilesTests.shell("podman stop -t 10 \(name)")
        #expect(stop.status == 0)
    }
}
