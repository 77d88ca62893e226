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
        let headCredentials = SSHCredentials(
            keyPath: self["SLURM_SSH_KEY"].map(Settings.expandingTilde), keyPassphrase: secret("SLURM_SSH_KEY_PASSPHRASE"),
            password: secret("SLURM_SSH_PASSWORD"))
        guard !headCredentials.isEmpty else {
            throw SettingsError("set SLURM_SSH_KEY (a private key file, preferred) or SLURM_SSH_PASSWORD for the head node")
        }
        let head = SSHEndpoint(
            host: try host("SLURM_SSH_HOST", headHost), port: try port("SLURM_SSH_PORT"), user: headUser,
            credentials: headCredentials)
        var bastion: SSHEndpoint?
        if let bastionHost = self["SLURM_BASTION_HOST"] {
            let own = SSHCredentials(
                keyPath: self["SLURM_BASTION_KEY"].map(Settings.expandingTilde),
                keyPassphrase: secret("SLURM_BASTION_KEY_PASSPHRASE"), password: secret("SLURM_BASTION_PASSWORD"))
            bastion = SSHEndpoint(
                host: try host("SLURM_BASTION_HOST", bastionHost), port: try port("SLURM_BASTION_PORT"),
                user: try user("SLURM_BASTION_USER") ?? headUser, credentials: own.isEmpty ? headCredentials : own)
        }
        let options = SSHOptions(
            knownHostsPath: Settings.expandingTilde(self["SLURM_KNOWN_HOSTS"] ?? "~/.ssh/known_hosts"),
            connectTimeout: .seconds(try positive("SLURM_SSH_CONNECT_TIMEOUT", default: 10)),
            keepaliveInterval: .seconds(try positive("SLURM_SSH_KEEPALIVE", default: 15)),
            connectAttempts: try positive("SLURM_SSH_CONNECT_ATTEMPTS", default: 3))
        return SSHSettings(head: head, bastion: bastion, options: options)
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
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw SettingsError("\(name) must be a port number from 1 to 65535, got '\(text)'")
        }
        return port
    }

    /// A host name or IP address: letters, digits and `.-_:%`, not starting with `-`; IPv6 brackets are dropped.
    private func host(_ name: String, _ value: String) throws(SettingsError) -> String {
        var host = value
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-_:%"))
        guard !host.isEmpty, !host.hasPrefix("-"), host.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) })
        else { throw SettingsError("\(name) is not a host name or address: '\(value)'") }
        return host
    }

    private func user(_ name: String) throws(SettingsError) -> String? {
        guard let user = self[name] else { return nil }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-@$"))
        guard !user.hasPrefix("-"), user.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            throw SettingsError("\(name) is not a user name: '\(user)'")
        }
        return user
    }

    /// The account this process runs as, which is also OpenSSH's default login name.
    static func localUser() -> String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }

    static func expandingTilde(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }
}
