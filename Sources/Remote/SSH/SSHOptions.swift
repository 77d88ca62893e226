/// How the SSH client behaves on the way to the head node; the same for both hops.
public struct SSHOptions: Sendable, Hashable {
    /// OpenSSH-format known_hosts holding the keys trusted for the bastion and the head node.
    public var knownHostsPath: String
    /// Each step of reaching one server (TCP connect, SSH handshake, login, opening a channel) must finish within this.
    public var connectTimeout: Duration
    /// How often a keepalive goes out on an idle connection, so firewalls and NAT keep a slow command's link open.
    public var keepaliveInterval: Duration
    /// Attempts at reaching the head node when the network fails; authentication and host-key failures are final.
    public var connectAttempts: Int
    /// The pause before the second attempt; it doubles for each further one.
    public var retryDelay: Duration

    public init(
        knownHostsPath: String, connectTimeout: Duration = .seconds(10), keepaliveInterval: Duration = .seconds(15),
        connectAttempts: Int = 3, retryDelay: Duration = .milliseconds(500)
    ) {
        self.knownHostsPath = knownHostsPath
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
        self.connectAttempts = max(1, connectAttempts)
        self.retryDelay = retryDelay
    }
}
