import Crypto

/// The host field of a known_hosts line, matched as OpenSSH's sshd(8) describes: comma-separated patterns with `*`
/// and `?`, `!` to exclude, `[host]:port` for ports other than 22, or one hashed name (`|1|salt|hash`).
public enum HostPattern: Sendable, Hashable {
    case patterns([String])
    case hashed(salt: [UInt8], hash: [UInt8])

    /// The name known_hosts stores for a host: `host` on port 22, `[host]:port` elsewhere, lowercased as `ssh` does.
    public static func name(host: String, port: Int) -> String {
        let lowered = host.lowercased()
        return port == 22 ? lowered : "[\(lowered)]:\(port)"
    }

    /// What a hashed known_hosts line stores for `name`: HMAC-SHA1 keyed by the line's salt (OpenSSH's `|1|`).
    public static func hashedName(_ name: String, salt: [UInt8]) -> [UInt8] {
        Array(HMAC<Insecure.SHA1>.authenticationCode(for: Array(name.utf8), using: SymmetricKey(data: salt)))
    }

    /// Whether `name` (from `name(host:port:)`) is covered: one pattern matches and no `!` pattern does.
    public func matches(_ name: String) -> Bool {
        switch self {
        case .hashed(let salt, let hash):
            return HostPattern.hashedName(name, salt: salt) == hash
        case .patterns(let patterns):
            let subject = Array(name.lowercased().utf8)
            var matched = false
            for pattern in patterns {
                let negated = pattern.hasPrefix("!")
                let body = Array((negated ? pattern.dropFirst() : pattern[...]).lowercased().utf8)
                guard HostPattern.wildcardMatch(body[...], subject[...]) else { continue }
                if negated { return false }
                matched = true
            }
            return matched
        }
    }

    /// `*` matches any run of bytes, `?` any one byte; everything else matches itself.
    static func wildcardMatch(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var s = subject.startIndex
        var star: (pattern: Int, subject: Int)?
        while s < subject.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = (p, s)
                p += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == subject[s] {
                p += 1
                s += 1
            } else if let resume = star {
                p = resume.pattern + 1
                s = resume.subject + 1
                star = (resume.pattern, resume.subject + 1)
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
