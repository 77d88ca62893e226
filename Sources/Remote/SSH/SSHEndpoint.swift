/// How to log in to one SSH server: the bastion or the head node.
///
/// Secrets live only in `credentials`, whose descriptions never print them; the endpoint's own description is
/// `user@host:port`, safe for logs, errors and the `polls.source` column.
public struct SSHEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var credentials: SSHCredentials

    public init(host: String, port: Int = 22, user: String, credentials: SSHCredentials) {
        self.host = host
        self.port = port
        self.user = user
        self.credentials = credentials
    }

    public var description: String { "\(user)@\(address)" }

    /// `host:port`, with IPv6 literals in brackets.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A private key file (with its passphrase, if any) and/or a password. With both, the key is tried first.
public struct SSHCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var keyPath: String?
    public var keyPassphrase: String?
    public var password: String?

    public init(keyPath: String? = nil, keyPassphrase: String? = nil, password: String? = nil) {
        self.keyPath = keyPath
        self.keyPassphrase = keyPassphrase
        self.password = password
    }

    public var isEmpty: Bool { keyPath == nil && password == nil }

    /// What is configured, never the secrets themselves.
    public var description: String {
        var parts: [String] = []
        if let keyPath { parts.append("key \(keyPath)" + (keyPassphrase == nil ? "" : " (with passphrase)")) }
        if password != nil { parts.append("password") }
        return parts.isEmpty ? "no credentials" : parts.joined(separator: " + ")
    }

    public var debugDescription: String { description }

    /// `dump()` and debuggers see that a secret is set, never what it is.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "keyPath": keyPath ?? "none", "keyPassphrase": keyPassphrase == nil ? "none" : "(set, not shown)",
                "password": password == nil ? "none" : "(set, not shown)",
            ])
    }
}
