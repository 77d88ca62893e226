/// A logged-in session on the head node, and the tunnel through the bastion it runs in, if any.
///
/// `close()` ends them in the only safe order: the head node's session first (its goodbye still travels through the
/// tunnel), then the tunnel's pump thread.
final class SSHConnection {
    private var current: SSHSession?
    let tunnel: SSHTunnel?

    init(session: SSHSession, tunnel: SSHTunnel?) {
        current = session
        self.tunnel = tunnel
    }

    var session: SSHSession {
        guard let current else { preconditionFailure("the SSH connection was used after close()") }
        return current
    }

    func close() {
        current = nil
        tunnel?.finish()
    }

    deinit { close() }
}
