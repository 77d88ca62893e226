import Foundation
public import Remote

#if canImport(Glibc)
    import Glibc
#endif

/// A setting that cannot be used, named so the person can fix it; never quotes a secret's value.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Where the SSH source goes and how, from the names every binary shares (see `.env.example`).
public struct SSHSettings: Sendable {
    public var head: SSHEndpoint
    public var bastion: SSHEndpoint?
    public var options: SSHOptions
}

extension Settings {
    /// The head node (`SLURM_SSH_*`), the optional bastion (`SLURM_BASTION_*`) and the client options.
    ///
    /// Without their own user or credentials, the bastion hop uses the head node's, as OpenSSH's ProxyJump does with
    /// the same identity. Host names, users and ports are checked here, before anything is sent anywhere.
    public func ssh() throws(SettingsError) -> SSHSettings {
        guard let headHost = self["SLURM_SSH_HOST"] else {
            throw SettingsError("SLURM_SSH_HOST is not set: give the head node's host name or address")
        }
        let headUser = try user("SLURM_SSH_USER") ?? Settings.localUser()
        let headCredentials = headCredentials()
        guard !headCredentials.isEmpty else {
            throw SettingsError(
                "set SLURM_SSH_KEY (a private key file, preferred) or SLURM_SSH_PASSWORD for the head node")
        }
        let head = SSHEndpoint(
            host: try host("SLURM_SSH_HOST", headHost), port: try port("SLURM_SSH_PORT"), user: headUser,
            credentials: headCredentials)
        var bastion: SSHEndpoint?
        if let bastionHost = self["SLURM_BASTION_HOST"] {
            bastion = SSHEndpoint(
                host: try host("SLURM_BASTION_HOST", bastionHost), port: try port("SLURM_BASTION_PORT"),
                user: try user("SLURM_BASTION_USER") ?? headUser, credentials: bastionCredentials())
        }
        let options = try sshOptions()
        return SSHSettings(head: head, bastion: bastion, options: options)
    }

    /// Known hosts, timeouts, keepalive and attempts: what the SSH client needs whichever hosts it goes to.
    public func sshOptions() throws(SettingsError) -> SSHOptions {
        SSHOptions(
            knownHostsPath: Settings.expandingTilde(self["SLURM_KNOWN_HOSTS"] ?? "~/.ssh/known_hosts"),
            connectTimeout: .seconds(try positive("SLURM_SSH_CONNECT_TIMEOUT", default: 10)),
            keepaliveInterval: .seconds(try positive("SLURM_SSH_KEEPALIVE", default: 15)),
            connectAttempts: try positive("SLURM_SSH_CONNECT_ATTEMPTS", default: 3))
    }

    /// The bastion's own credentials (`SLURM_BASTION_KEY`, `_KEY_PASSPHRASE`, `_PASSWORD`), else the head node's.
    public func bastionCredentials() -> SSHCredentials {
        let own = SSHCredentials(
            keyPath: self["SLURM_BASTION_KEY"].map(Settings.expandingTilde),
            keyPassphrase: secret("SLURM_BASTION_KEY_PASSPHRASE"), password: secret("SLURM_BASTION_PASSWORD"))
        return own.isEmpty ? headCredentials() : own
    }

    func headCredentials() -> SSHCredentials {
        SSHCredentials(
            keyPath: self["SLURM_SSH_KEY"].map(Settings.expandingTilde),
            keyPassphrase: secret("SLURM_SSH_KEY_PASSPHRASE"),
            password: secret("SLURM_SSH_PASSWORD"))
    }

    /// A whole number above zero, or the default when unset.
    public func positive(_ name: String, default value: Int) throws(SettingsError) -> Int {
        guard let text = self[name] else { return value }
        guard let number = Int(text), number > 0 else {
            throw SettingsError("\(name) must be a whole number above 0, got '\(text)'")
        }
        return number
    }

    private func port(_ name: String) throws(SettingsError) -> Int {
        guard let text = self[name] else { return 22 }
        return try Settings.port(text, name: name)
    }

    private func host(_ name: String, _ value: String) throws(SettingsError) -> String {
        try Settings.host(value, name: name)
    }

    private func user(_ name: String) throws(SettingsError) -> String? {
        guard let user = self[name] else { return nil }
        return try Settings.user(user, name: name)
    }

    /// `[user@]host[:port]`, with `[v6::address]:port` for IPv6, each part checked as the settings are.
    public static func address(_ text: String, name: String, defaultPort: Int = 22) throws(SettingsError) -> (
        user: String?, host: String, port: Int
    ) {
        var rest = Substring(text)
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = try Settings.user(String(rest[..<at]), name: name)
            rest = rest[rest.index(after: at)...]
        }
        var port = defaultPort
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = try Settings.port(String(after.dropFirst()), name: name) }
            rest = rest[rest.index(after: rest.startIndex)..<close]
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            port = try Settings.port(String(rest[rest.index(after: colon)...]), name: name)
            rest = rest[..<colon]
        }
        return (user, try Settings.host(String(rest), name: name), port)
    }

    private static func port(_ text: String, name: String) throws(SettingsError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw SettingsError("\(name) must be a port number from 1 to 65535, got '\(text)'")
        }
        return port
    }

    /// A host name or IP address: letters, digits and `.-_:%`, not starting with `-`; IPv6 brackets are dropped.
    private static func host(_ value: String, name: String) throws(SettingsError) -> String {
        var host = value
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-_:%"))
        guard !host.isEmpty, !host.hasPrefix("-"),
            host.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) })
        else { throw SettingsError("\(name) is not a host name or address: '\(value)'") }
        return host
    }

    private static func user(_ user: String, name: String) throws(SettingsError) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-@$"))
        guard !user.isEmpty, !user.hasPrefix("-"),
            user.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) })
        else { throw SettingsError("\(name) is not a user name: '\(user)'") }
        return user
    }

    /// The account this process runs as, which is also OpenSSH's default login name.
    public static func localUser() -> String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }

    static func expandingTilde(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }
}
