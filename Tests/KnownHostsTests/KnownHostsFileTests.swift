import FixtureSupport
import Foundation
import Testing

@testable import KnownHosts

@Suite("known_hosts: parsing, matching and verdicts, checked against OpenSSH's own ssh-keygen")
struct KnownHostsFileTests {
    static let plain = KnownHostsFile(parsing: (try? Fixtures.text("known_hosts/known_hosts")) ?? "")
    static let hashed = KnownHostsFile(parsing: (try? Fixtures.text("known_hosts/known_hosts.hashed")) ?? "")

    static func key(_ name: String) throws -> HostKey {
        let fields = try Fixtures.text("known_hosts/\(name).pub").split(separator: " ")
        return try #require(HostKey(algorithm: String(fields[0]), base64: String(fields[1])))
    }

    /// Lines `ssh-keygen -F NAME -f FILE` reports, with their markers ("" or "CA" or "REVOKED").
    static func sshKeygenLines(_ name: String, file: String) throws -> Set<String> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-F", name, "-f", Fixtures.path("known_hosts/\(file)")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Set(
            text.split(separator: "\n").filter { $0.hasPrefix("# Host ") }.map {
                $0.components(separatedBy: "found: line ").last!.trimmingCharacters(in: .whitespaces)
            })
    }

    static func ourLines(_ name: String, in file: KnownHostsFile) -> Set<String> {
        Set(
            file.entries.filter { $0.hosts.matches(name) }.map {
                switch $0.marker {
                case .none: "\($0.line)"
                case .revoked: "\($0.line) REVOKED"
                case .certificateAuthority: "\($0.line) CA"
                }
            })
    }

    static let names = [
        "head.cluster.example", "HEAD.Cluster.Example", "10.0.0.5", "[head.cluster.example]:2223",
        "bastion.example.org", "[bastion.example.org]:2222", "[bastion.example.org]:22", "revoked.example",
        "gpu1.compute.example", "gpu13.compute.example", "compute.example", "node-7.rack.example",
        "node-17.rack.example", "indented.example", "unknown.example",
    ]

    @Test("every host name matches the same lines as ssh-keygen -F says, plain and hashed", arguments: names)
    func matchesLikeOpenSSH(name: String) throws {
        let lowered = name.lowercased()
        // ssh lowercases the host name before it looks it up (ssh-keygen -F does not), so both get the lowered name.
        #expect(Self.ourLines(lowered, in: Self.plain) == (try Self.sshKeygenLines(lowered, file: "known_hosts")))
        #expect(
            Self.ourLines(lowered, in: Self.hashed) == (try Self.sshKeygenLines(lowered, file: "known_hosts.hashed")))
    }

    @Test("fingerprints and type names are the ones ssh-keygen -l prints")
    func fingerprints() throws {
        for line in try Fixtures.text("known_hosts/fingerprints.txt").split(separator: "\n") {
            let fields = line.split(separator: " ")
            let name = String(fields[2]).replacingOccurrences(of: "head-ed25519", with: "head_ed")
                .replacingOccurrences(of: "head-ecdsa", with: "head_ec")
                .replacingOccurrences(of: "bastion-rsa", with: "bastion_rsa")
                .replacingOccurrences(of: "bastion-ed25519", with: "bastion_ed")
                .replacingOccurrences(of: "old-head", with: "old").replacingOccurrences(
                    of: "any-ecdsa384", with: "any384")
            let key = try Self.key(name)
            #expect(key.fingerprint == String(fields[1]))
            #expect("(\(key.typeName))" == String(fields[3]))
        }
    }

    @Test("lines that are not entries are skipped with their reason; the rest of the file still counts")
    func skippedLines() {
        #expect(Self.plain.skipped.map(\.line) == [11, 12, 13])
        #expect(Self.plain.skipped[0].reason == "no valid line key after the host names")
        #expect(Self.plain.skipped[1].reason == "no valid ssh-ed25519 key after the host names")
        #expect(Self.plain.skipped[2].reason == "no valid ssh-rsa key after the host names")
        #expect(Self.plain.entries.count == 9)
        #expect(
            KnownHostsFile(parsing: "onlyahost ssh-ed25519").skipped.first?.reason
                == "expected host names, a key type and a key")
        #expect(
            KnownHostsFile(parsing: "@sometimes h ssh-ed25519 AAAA").skipped.first?.reason
                == "unknown marker @sometimes")
        #expect(KnownHostsFile(parsing: "|1|abc|def ssh-rsa AAAA").entries.isEmpty)
    }

    @Test("verdicts: trusted, unknown, changed, revoked, and a host known only by other key types")
    func verdicts() throws {
        let headEd = try Self.key("head_ed")
        let headEc = try Self.key("head_ec")
        let old = try Self.key("old")
        let other = try Self.key("bastion_ed")
        for file in [Self.plain, Self.hashed] {
            #expect(
                file.verdict(host: "head.cluster.example", port: 22, key: headEd)
                    == .trusted(line: file == Self.plain ? 3 : 1))
            #expect(file.verdict(host: "HEAD.cluster.example", port: 22, key: headEd) != .unknown(otherKeys: []))
            #expect(
                file.verdict(host: "head.cluster.example", port: 2223, key: headEc)
                    == .trusted(line: file == Self.plain ? 4 : 3))
            guard case .changed(let known) = file.verdict(host: "head.cluster.example", port: 22, key: other) else {
                Issue.record("a different ed25519 key for the head should be a change")
                continue
            }
            #expect(known.map(\.key) == [headEd])
            guard case .unknown(let others) = file.verdict(host: "head.cluster.example", port: 2223, key: headEd) else {
                Issue.record("an ed25519 key where only ECDSA is known should be unknown")
                continue
            }
            #expect(others.map(\.key) == [headEc])
            #expect(
                file.verdict(host: "revoked.example", port: 22, key: old) == .revoked(line: file == Self.plain ? 9 : 6))
            #expect(
                file.verdict(host: "elsewhere.example", port: 22, key: old)
                    == .revoked(line: file == Self.plain ? 9 : 6))
            #expect(file.verdict(host: "nowhere.example", port: 22, key: headEd) == .unknown(otherKeys: []))
        }
        // A certificate authority line never vouches for a plain key.
        #expect(
            Self.plain.verdict(host: "x.cluster.example", port: 22, key: try Self.key("bastion_ed"))
                == .unknown(otherKeys: []))
        // Port 22 is the bare name; any other port is bracketed.
        #expect(
            Self.plain.verdict(host: "bastion.example.org", port: 2222, key: try Self.key("bastion_rsa"))
                != .trusted(line: 5))
    }

    @Test("lines we write are read back by ssh-keygen, hashed or not")
    func writtenLines() throws {
        let key = try Self.key("head_ec")
        let salt: [UInt8] = Array(0..<20)
        let plainLine = KnownHostsFile.line(host: "Login.Example", port: 2200, key: key)
        #expect(plainLine.hasPrefix("[login.example]:2200 ecdsa-sha2-nistp256 AAAA"))
        let hashedLine = KnownHostsFile.line(host: "login.example", port: 2200, key: key, hashedWith: salt)
        #expect(hashedLine.hasPrefix("|1|AAECAwQFBgcICQoLDA0ODxAREhM=|"))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for line in [plainLine, hashedLine] {
            let path = directory.file("known_hosts")
            try (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
            process.arguments = ["-F", "[login.example]:2200", "-f", path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(text.contains("found: line 1"), "ssh-keygen could not find \(line)")
            let file = KnownHostsFile(parsing: line)
            #expect(file.verdict(host: "login.example", port: 2200, key: key) == .trusted(line: 1))
        }
    }

    @Test("wildcards: * and ? anywhere, negation wins, no partial matches")
    func wildcards() {
        #expect(HostPattern.patterns(["a*c"]).matches("abbbc"))
        #expect(HostPattern.patterns(["a*c"]).matches("ac"))
        #expect(!HostPattern.patterns(["a*c"]).matches("abcd"))
        #expect(HostPattern.patterns(["*"]).matches("anything"))
        #expect(HostPattern.patterns(["?"]).matches("x") && !HostPattern.patterns(["?"]).matches("xy"))
        #expect(HostPattern.patterns(["*.a.*.b"]).matches("x.a.y.z.b"))
        #expect(!HostPattern.patterns(["!x", "*"]).matches("x"))
        #expect(!HostPattern.patterns(["!x"]).matches("y"))
        #expect(
            HostPattern.patterns(["[h]:2222"]).matches("[h]:2222") && !HostPattern.patterns(["[h]:2222"]).matches("h"))
    }

    @Test("host keys: blobs that are not SSH keys, or disagree with their type, are refused")
    func hostKeys() {
        #expect(HostKey(blob: []) == nil)
        #expect(HostKey(blob: [0, 0, 0, 200, 1]) == nil)
        #expect(HostKey(blob: [0, 0, 0, 3, 0x20, 0x41, 0x42]) == nil)
        #expect(HostKey(blob: [0, 0, 0, 1, 0x41])?.algorithm == "A")
        #expect(
            HostKey(
                algorithm: "ssh-rsa", base64: "AAAAC3NzaC1lZDI1NTE5AAAAIDxR5QhyAjVl19h/bR+SMpQv79c6SMi7oskNuXumLmhB")
                == nil)
    }
}
