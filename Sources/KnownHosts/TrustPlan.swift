/// What `slurmbot trust-host` may record for one host, decided from its known_hosts file and the keys the host
/// offered: which keys are new, changed or revoked, which the person chose, and which lines a confirmed change
/// replaces. Pure, so every rule (a revoked key is never recorded, a changed key only with `--replace`, a line
/// naming other hosts is never rewritten) is tested without a server; the command only asks, prints and writes.
public struct TrustPlan: Sendable {
    public struct Offered: Sendable, Hashable {
        public var key: HostKey
        public var verdict: HostKeyVerdict
    }

    /// Every key the host offered, with what the file says of it.
    public let offered: [Offered]
    public let host: String
    public let port: Int

    public init(file: KnownHostsFile, host: String, port: Int, keys: [HostKey]) {
        self.host = host
        self.port = port
        offered = keys.map { Offered(key: $0, verdict: file.verdict(host: host, port: port, key: $0)) }
    }

    /// Keys not yet trusted and not revoked: new ones, and changed ones (recorded only with `replace`).
    public var fresh: [HostKey] {
        offered.compactMap { offered in
            switch offered.verdict {
            case .unknown, .changed: offered.key
            case .trusted, .revoked: nil
            }
        }
    }

    /// The keys named by `fingerprints` (with or without `SHA256:`) that are not trusted yet; a refusal when none
    /// of the offered keys has one of them, or when one named is revoked.
    public func chosen(byFingerprints fingerprints: [String]) -> Result<[HostKey], Refusal> {
        let wanted = Set(fingerprints.map { $0.hasPrefix("SHA256:") ? $0 : "SHA256:" + $0 })
        let matching = offered.filter { wanted.contains($0.key.fingerprint) }
        guard !matching.isEmpty else {
            return .failure(.noKeyWithFingerprint)
        }
        if matching.contains(where: { if case .revoked = $0.verdict { true } else { false } }) {
            return .failure(.revoked)
        }
        let fresh = fresh
        return .success(matching.map(\.key).filter(fresh.contains))
    }

    /// The known_hosts lines recording `chosen` replaces: the lines of changed keys, when `replace` allows it and
    /// each names this host alone.
    public func replacedLines(for chosen: [HostKey], replace: Bool) -> Result<Set<Int>, Refusal> {
        let name = HostPattern.name(host: host, port: port)
        var lines: Set<Int> = []
        for offered in offered where chosen.contains(offered.key) {
            guard case .changed(let known) = offered.verdict else { continue }
            guard replace else {
                return .failure(.changedWithoutReplace(offered.key))
            }
            for entry in known {
                if case .patterns(let patterns) = entry.hosts, patterns.map({ $0.lowercased() }) != [name] {
                    return .failure(.lineNamesOtherHosts(line: entry.line, patterns: patterns))
                }
                lines.insert(entry.line)
            }
        }
        return .success(lines)
    }

    /// Why nothing is recorded; the command says it in words with the host's address and the file's path.
    public enum Refusal: Error, Sendable, Hashable {
        /// No offered key has one of the fingerprints given.
        case noKeyWithFingerprint
        /// A fingerprint given is of a key an `@revoked` line lists.
        case revoked
        /// The file holds another key of this type for the host, and `--replace` was not given.
        case changedWithoutReplace(HostKey)
        /// The changed key's line names other hosts too: rewriting it would change what they are trusted with.
        case lineNamesOtherHosts(line: Int, patterns: [String])
    }
}
