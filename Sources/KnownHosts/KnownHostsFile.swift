import Foundation

/// An OpenSSH known_hosts file, parsed: the keys we trust for which hosts.
///
/// Parsing never fails as a whole: a line it cannot read is listed in `skipped` with the reason and ignored, so one
/// odd line (a key type this code does not know, say) never locks a user out of every host.
public struct KnownHostsFile: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public enum Marker: Sendable, Hashable {
            case none, revoked, certificateAuthority
        }

        /// The line's number in the file, from 1, for messages that point at it.
        public var line: Int
        public var marker: Marker
        public var hosts: HostPattern
        public var key: HostKey
    }

    public struct SkippedLine: Sendable, Hashable {
        public var line: Int
        public var reason: String
    }

    public var entries: [Entry] = []
    public var skipped: [SkippedLine] = []

    public init(parsing text: String) {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                entries.append(try Self.parse(line, number: index + 1))
            } catch {
                skipped.append(SkippedLine(line: index + 1, reason: error.reason))
            }
        }
    }

    private struct Unreadable: Error {
        var reason: String
    }

    private static func parse(_ line: String, number: Int) throws(Unreadable) -> Entry {
        var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var marker = Entry.Marker.none
        if let first = fields.first, first.hasPrefix("@") {
            switch first {
            case "@revoked": marker = .revoked
            case "@cert-authority": marker = .certificateAuthority
            default: throw Unreadable(reason: "unknown marker \(first)")
            }
            fields.removeFirst()
        }
        guard fields.count >= 3 else {
            throw Unreadable(reason: "expected host names, a key type and a key")
        }
        guard let key = HostKey(algorithm: fields[1], base64: fields[2]) else {
            throw Unreadable(reason: "no valid \(fields[1]) key after the host names")
        }
        let hostField = fields[0]
        let hosts: HostPattern
        if hostField.hasPrefix("|1|") {
            let parts = hostField.dropFirst(3).split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 2, let salt = Data(base64Encoded: String(parts[0])),
                let hash = Data(base64Encoded: String(parts[1])), salt.count == 20, hash.count == 20
            else { throw Unreadable(reason: "malformed hashed host name") }
            hosts = .hashed(salt: [UInt8](salt), hash: [UInt8](hash))
        } else {
            hosts = .patterns(hostField.split(separator: ",").map(String.init))
        }
        return Entry(line: number, marker: marker, hosts: hosts, key: key)
    }

    /// The plain host-key entries for a host (not revocations or certificate authorities), in file order.
    public func entries(host: String, port: Int) -> [Entry] {
        let name = HostPattern.name(host: host, port: port)
        return entries.filter { $0.marker == .none && $0.hosts.matches(name) }
    }

    /// What the file says about `key` offered by `host:port`.
    public func verdict(host: String, port: Int, key: HostKey) -> HostKeyVerdict {
        if let revoked = entries.first(where: { $0.marker == .revoked && $0.key == key }) {
            return .revoked(line: revoked.line)
        }
        let known = entries(host: host, port: port)
        if let match = known.first(where: { $0.key == key }) { return .trusted(line: match.line) }
        let sameType = known.filter { $0.key.algorithm == key.algorithm }
        return sameType.isEmpty ? .unknown(otherKeys: known) : .changed(known: sameType)
    }

    /// One known_hosts line for `key` on `host:port`, with the name hashed under `salt` when one is given.
    public static func line(host: String, port: Int, key: HostKey, hashedWith salt: [UInt8]? = nil) -> String {
        let name = HostPattern.name(host: host, port: port)
        let field: String
        if let salt {
            let hash = HostPattern.hashedName(name, salt: salt)
            field = "|1|\(Data(salt).base64EncodedString())|\(Data(hash).base64EncodedString())"
        } else {
            field = name
        }
        return "\(field) \(key.algorithm) \(key.base64)"
    }
}

/// The answer to "may we talk to this server?", with what a person needs to act on a refusal.
public enum HostKeyVerdict: Sendable, Hashable {
    /// The key is listed for this host, on that line.
    case trusted(line: Int)
    /// An `@revoked` line lists this key: never accept it.
    case revoked(line: Int)
    /// The host is listed with a different key of the same type: it changed, or someone is in the middle.
    case changed(known: [KnownHostsFile.Entry])
    /// The key is not listed for this host; `otherKeys` are the host's keys of other types, if any.
    case unknown(otherKeys: [KnownHostsFile.Entry])
}
