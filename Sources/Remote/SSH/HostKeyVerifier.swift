import Foundation
import KnownHosts

/// Checks each server's host key against the known_hosts file before any credential is sent to it.
///
/// There is no trust on first use: an unknown key is refused with its fingerprint and the `slurmbot trust-host`
/// command that records it once a person has checked it.
struct HostKeyVerifier: Sendable {
    let path: String
    let file: KnownHostsFile
    private let exists: Bool
    /// The bastion, for the `--via` part of the trust command shown for the head node.
    private let bastion: SSHEndpoint?

    /// Reads the file; a missing file trusts nothing (and the refusal says the file is missing).
    init(path: String, bastion: SSHEndpoint?) throws(SSHError) {
        self.path = path
        self.bastion = bastion
        if let data = FileManager.default.contents(atPath: path) {
            file = KnownHostsFile(parsing: String(decoding: data, as: UTF8.self))
            exists = true
        } else if FileManager.default.fileExists(atPath: path) {
            throw .knownHostsUnreadable(path: path, reason: "permission denied or not a regular file")
        } else {
            file = KnownHostsFile(parsing: "")
            exists = false
        }
    }

    /// The key algorithms the file holds for this server, so the handshake asks for one of those.
    func knownAlgorithms(host: String, port: Int) -> [String] {
        var seen: [String] = []
        for entry in file.entries(host: host, port: port) where !seen.contains(entry.key.algorithm) {
            seen.append(entry.key.algorithm)
        }
        return seen
    }

    func verify(_ key: HostKey, host: String, port: Int, hop: SSHError.Hop) throws(SSHError) {
        let reason: HostKeyRejection.Reason
        switch file.verdict(host: host, port: port, key: key) {
        case .trusted: return
        case .revoked(let line): reason = .revoked(line: line)
        case .changed(let known): reason = .changed(known: known)
        case .unknown(let others): reason = .unknown(otherKeys: others)
        }
        var trust = "slurmbot trust-host \(hop.address)"
        if hop.role == .head, let bastion { trust += " --via \(bastion)" }
        var shownPath = path
        if !exists { shownPath += " (which does not exist yet)" }
        if !file.skipped.isEmpty {
            shownPath += " (lines " + file.skipped.map { String($0.line) }.joined(separator: ", ") + " unreadable)"
        }
        throw .hostKeyRejected(
            HostKeyRejection(hop: hop, key: key, knownHostsPath: shownPath, reason: reason, trustCommand: trust))
    }
}
