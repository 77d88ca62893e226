import ArgumentParser
import SlurmbotSettings
import Foundation
import KnownHosts
import Poller
import Remote

#if canImport(Glibc)
    import Glibc
#endif

struct TrustHostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-host",
        abstract: "Show an SSH server's host keys and record them in known_hosts once you have checked them.",
        discussion: """
            slurmbot never trusts a host key on first sight: the poller refuses any server whose key is not in
            known_hosts. This command asks the server for its keys, shows each one's SHA256 fingerprint, and records
            them only after you confirm (type yes), or only the key whose fingerprint you pass with --fingerprint.
            Compare the fingerprints with what the cluster's admins publish; on the host itself they are printed by
            ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub.

            Without HOST, it goes through the configured hosts: the bastion (SLURM_BASTION_HOST), then the head node
            (SLURM_SSH_HOST) through it. A head node reached through a bastion is asked through that bastion, whose
            key must be trusted first; the bastion login uses SLURM_BASTION_KEY or _PASSWORD (else SLURM_SSH_KEY or
            _PASSWORD).

            Exit status: 0 recorded (or already trusted), 1 nothing recorded, 2 bad usage or configuration.
            """
    )

    @Argument(help: "HOST[:PORT] to ask (IPv6 as [ADDRESS]:PORT). Default: the configured bastion and head node.")
    var target: String?

    @Option(help: "[USER@]HOST[:PORT] of the bastion to reach HOST through; its key must be trusted already.")
    var via: String?

    @Option(help: "The known_hosts file to check and write. Default: $SLURM_KNOWN_HOSTS or ~/.ssh/known_hosts.")
    var knownHosts: String?

    @Option(
        name: .customLong("fingerprint"),
        help: "Record, without asking, only the key with this SHA256 fingerprint (repeat for several).")
    var fingerprints: [String] = []

    @Flag(help: "Write the host name hashed, as OpenSSH's HashKnownHosts does.")
    var hash = false

    @Flag(help: "Replace a different key of the same type already recorded for the host (after a reinstall).")
    var replace = false

    struct Target {
        var host: String
        var port: Int
        var via: SSHEndpoint?

        var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    func run() async throws {
        let settings = try await Settings.load()
        var options: SSHOptions
        let targets: [Target]
        do {
            options = try settings.sshOptions()
            if let knownHosts { options.knownHostsPath = (knownHosts as NSString).expandingTildeInPath }
            targets = try plan(settings)
        } catch {
            complain("\(error)")
            throw ExitCode(2)
        }
        for target in targets {
            guard try await trust(target, options: options) else { throw ExitCode(1) }
        }
    }

    /// The hosts to ask, in order: one named on the command line, or the configured bastion and head node.
    private func plan(_ settings: Settings) throws(SettingsError) -> [Target] {
        if let target {
            let address = try Settings.address(target, name: "HOST")
            guard address.user == nil else { throw SettingsError("HOST takes no user name; it is not logged in to") }
            var bastion: SSHEndpoint?
            if let via {
                let jump = try Settings.address(via, name: "--via")
                bastion = SSHEndpoint(
                    host: jump.host, port: jump.port,
                    user: jump.user ?? settings["SLURM_BASTION_USER"] ?? settings["SLURM_SSH_USER"]
                        ?? Settings.localUser(),
                    credentials: settings.bastionCredentials())
            }
            return [Target(host: address.host, port: address.port, via: bastion)]
        }
        guard via == nil else { throw SettingsError("--via goes with a HOST") }
        let ssh = try settings.ssh()
        var targets: [Target] = []
        if let bastion = ssh.bastion { targets.append(Target(host: bastion.host, port: bastion.port, via: nil)) }
        targets.append(Target(host: ssh.head.host, port: ssh.head.port, via: ssh.bastion))
        return targets
    }

    /// Asks one host for its keys, shows them, and records what the person confirms. False when nothing was.
    private func trust(_ target: Target, options: SSHOptions) async throws -> Bool {
        let path = options.knownHostsPath
        print("Asking \(target.address)\(target.via.map { " (through \($0))" } ?? "") for its host keys…")
        let keys: [HostKey]
        do {
            keys = try await HostKeyScanner(options: options, bastion: target.via).scan(
                host: target.host, port: target.port)
        } catch {
            complain("\(error)")
            return false
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let plan = TrustPlan(file: KnownHostsFile(parsing: text), host: target.host, port: target.port, keys: keys)
        for offered in plan.offered {
            let status =
                switch offered.verdict {
                case .trusted(let line): "already trusted (line \(line))"
                case .revoked(let line): "REVOKED on line \(line): never recorded"
                case .changed(let known):
                    "CHANGED: " + known.map { "line \($0.line) holds \($0.key.fingerprint)" }.joined(separator: ", ")
                case .unknown: "new"
                }
            print(
                "  \(offered.key.typeName.padding(toLength: 8, withPad: " ", startingAt: 0)) \(offered.key.fingerprint)"
                    + "  \(status)")
        }

        var chosen = plan.fresh
        if !fingerprints.isEmpty {
            switch plan.chosen(byFingerprints: fingerprints) {
            case .success(let keys): chosen = keys
            case .failure(let refusal):
                complain(Self.words(refusal, address: target.address, path: path))
                return false
            }
        } else if !chosen.isEmpty {
            let these = chosen.count == 1 ? "this key" : "these \(chosen.count) keys"
            print("Record \(these) for \(target.address) in \(path)?")
            print("Type yes only if the fingerprints match what the host's admins published: ", terminator: "")
            let answer = readLine()
            if answer == nil { print("") }
            guard answer?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                complain("not confirmed; nothing recorded (answer yes, or pass --fingerprint)")
                return false
            }
        }
        guard !chosen.isEmpty else {
            print("Nothing to record: \(target.address) is trusted already.")
            return true
        }
        let removing: Set<Int>
        switch plan.replacedLines(for: chosen, replace: replace) {
        case .success(let lines): removing = lines
        case .failure(let refusal):
            complain(Self.words(refusal, address: target.address, path: path))
            return false
        }
        var generator = SystemRandomNumberGenerator()
        let lines = chosen.map { key in
            KnownHostsFile.line(
                host: target.host, port: target.port, key: key,
                hashedWith: hash ? (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) } : nil)
        }
        do {
            let first = try Self.write(lines, removing: removing, to: path)
            for (offset, key) in chosen.enumerated() {
                print(
                    "Recorded \(key.typeName) \(key.fingerprint) for \(target.address) in \(path)"
                        + " (line \(first + offset)).")
            }
            if !removing.isEmpty {
                print("Removed the old key on line \(removing.sorted().map(String.init).joined(separator: ", ")).")
            }
        } catch {
            complain("cannot write \(path): \(error)")
            return false
        }
        return true
    }

    static func words(_ refusal: TrustPlan.Refusal, address: String, path: String) -> String {
        switch refusal {
        case .noKeyWithFingerprint: "no key of \(address) has the fingerprint you gave; nothing recorded"
        case .revoked: "that key is revoked; nothing recorded"
        case .changedWithoutReplace(let key):
            "\(path) holds another \(key.typeName) key for \(address); if the admins confirm the change,"
                + " run again with --replace"
        case .lineNamesOtherHosts(let line, let patterns):
            "line \(line) of \(path) also names other hosts (\(patterns.joined(separator: ","))); edit it by hand"
        }
    }

    private func complain(_ message: String) {
        FileHandle.standardError.write(Data("slurmbot trust-host: \(message)\n".utf8))
    }

    /// Appends `lines` (dropping `removing`) through a temporary file and a rename, so a crash never leaves a
    /// half-written file; a new file is private (0600) in a private directory. Returns the first new line's number.
    static func write(_ lines: [String], removing: Set<Int>, to path: String) throws -> Int {
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var kept = existing.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !removing.contains($0.offset + 1) }.map { String($0.element) }
        if kept.last == "" { kept.removeLast() }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o600
        let temporary = path + ".slurmbot-\(getpid())"
        let data = Data(((kept + lines).joined(separator: "\n") + "\n").utf8)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: mode])
        else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
        }
        return kept.count + 1
    }
}
