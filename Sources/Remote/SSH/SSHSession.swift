internal import CSSH2
import Foundation
import KnownHosts

#if canImport(Glibc)
    import Glibc
#endif

/// One SSH connection (libssh2 session) over a connected, non-blocking socket, which it owns.
///
/// libssh2 runs in non-blocking mode: every call that would block returns `EAGAIN`, and `call` then waits on the
/// socket with `poll(2)` for what libssh2 asked for, never past the step's deadline, sending keepalives while it
/// waits. A session is confined to the thread that made it (it is deliberately not `Sendable`); `deinit` ends it
/// cleanly with a bounded disconnect and frees everything.
final class SSHSession {
    let hop: SSHError.Hop
    let socket: Int32
    let handle: OpaquePointer
    private let keepaliveInterval: Duration
    private var nextKeepalive: Deadline?

    /// Host-key algorithms libssh2 1.10 can verify, strongest first; `ssh-dss` is left out on purpose.
    static let hostKeyAlgorithms = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
    ]

    init(socket: Int32, hop: SSHError.Hop, keepaliveInterval: Duration) throws(SSHError) {
        SSHLibrary.initialize()
        guard let handle = libssh2_session_init_ex(nil, nil, nil, nil) else {
            Glibc.close(socket)
            throw .handshakeFailed(hop, reason: "libssh2 could not create a session")
        }
        libssh2_session_set_blocking(handle, 0)
        self.handle = handle
        self.socket = socket
        self.hop = hop
        self.keepaliveInterval = keepaliveInterval
    }

    deinit {
        // A bounded goodbye, then the socket is shut so nothing libssh2 does while freeing can wait on the peer.
        let goodbye = Deadline.after(.seconds(1))
        while libssh2_session_disconnect_ex(handle, SSH_DISCONNECT_BY_APPLICATION, "slurmbot done", "")
            == LIBSSH2_ERROR_EAGAIN, !goodbye.hasPassed
        {
            var entry = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, goodbye.remainingMilliseconds)
        }
        shutdown(socket, Int32(SHUT_RDWR))
        // On a shut socket every send fails at once, so this ends on the first try; the bound is a guarantee.
        var attempts = 0
        while libssh2_session_free(handle) == LIBSSH2_ERROR_EAGAIN, attempts < 100 { attempts += 1 }
        Glibc.close(socket)
    }

    // MARK: - Waiting

    /// Runs a libssh2 call until it stops answering `EAGAIN`, waiting on the socket in between.
    @discardableResult
    func call(_ step: SSHError.Step, until deadline: Deadline, _ body: () -> Int32) throws(SSHError) -> Int32 {
        while true {
            let result = body()
            guard result == LIBSSH2_ERROR_EAGAIN else { return result }
            try waitForSocket(step, until: deadline)
        }
    }

    /// Runs a libssh2 call that returns a pointer, until it stops failing with `EAGAIN`; nil means it failed.
    func callReturningPointer(_ step: SSHError.Step, until deadline: Deadline, _ body: () -> OpaquePointer?)
        throws(SSHError) -> OpaquePointer?
    {
        while true {
            if let pointer = body() { return pointer }
            guard libssh2_session_last_errno(handle) == LIBSSH2_ERROR_EAGAIN else { return nil }
            try waitForSocket(step, until: deadline)
        }
    }

    /// Waits until the socket is ready in the directions libssh2 is blocked on, or throws when the deadline passes.
    func waitForSocket(_ step: SSHError.Step, until deadline: Deadline) throws(SSHError) {
        var entries = [pollfd(fd: socket, events: blockedEvents, revents: 0)]
        try wait(on: &entries, step, until: deadline)
    }

    /// The `poll(2)` events libssh2's last `EAGAIN` waits for (reading when it does not say).
    var blockedEvents: Int16 {
        let directions = libssh2_session_block_directions(handle)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        return events == 0 ? Int16(POLLIN) : events
    }

    /// `poll(2)` on `entries` until one is ready; sends keepalives when they fall due, throws at the deadline.
    func wait(on entries: inout [pollfd], _ step: SSHError.Step, until deadline: Deadline) throws(SSHError) {
        while true {
            if deadline.hasPassed { throw timeout(step, deadline) }
            var limit = deadline.remainingMilliseconds
            if let due = nextKeepalive { limit = min(limit, max(due.remainingMilliseconds, 1)) }
            let ready = poll(&entries, nfds_t(entries.count), limit)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                throw .connectionLost(hop, step: step, detail: String(cString: strerror(errno)))
            }
            try sendKeepaliveIfDue(step)
        }
    }

    private func timeout(_ step: SSHError.Step, _ deadline: Deadline) -> SSHError {
        step == .command
            ? .commandTimedOut(seconds: deadline.budgetSeconds, bytesReceived: 0)
            : .timedOut(hop, step: step, seconds: deadline.budgetSeconds)
    }

    private func sendKeepaliveIfDue(_ step: SSHError.Step) throws(SSHError) {
        guard let due = nextKeepalive, due.hasPassed else { return }
        var secondsToNext: Int32 = 0
        let result = libssh2_keepalive_send(handle, &secondsToNext)
        if result != 0 && result != LIBSSH2_ERROR_EAGAIN {
            throw .connectionLost(hop, step: step, detail: "a keepalive could not be sent (\(lastError))")
        }
        nextKeepalive = .after(.seconds(max(1, Int(secondsToNext))))
    }

    /// libssh2's own message for the last failure; it never contains credentials.
    var lastError: String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        libssh2_session_last_error(handle, &message, &length, 0)
        guard let message, length > 0 else { return "unknown libssh2 error" }
        return String(decoding: UnsafeRawBufferPointer(start: message, count: Int(length)), as: UTF8.self)
    }

    var lastErrorCode: Int32 { libssh2_session_last_errno(handle) }

    // MARK: - Handshake and host key

    /// Agrees on keys and ciphers, preferring the host-key types known_hosts already holds for this server, so a
    /// server with several host keys shows us the one we can check.
    func handshake(preferring knownAlgorithms: [String], until deadline: Deadline) throws(SSHError) {
        let order =
            knownAlgorithms.filter(Self.hostKeyAlgorithms.contains)
            + Self.hostKeyAlgorithms.filter { !knownAlgorithms.contains($0) }
        libssh2_session_method_pref(handle, LIBSSH2_METHOD_HOSTKEY, order.joined(separator: ","))
        let result = try call(.handshake, until: deadline) { libssh2_session_handshake(handle, socket) }
        guard result == 0 else { throw failure(result, step: .handshake) }
        // No reply asked: libssh2 1.10 never consumes keepalive replies, and a queued 1-byte reply makes
        // libssh2_poll_channel_read fail ("packet too small") from then on. The traffic is what keeps links open.
        let interval = UInt32(max(1, keepaliveInterval.seconds.rounded()))
        libssh2_keepalive_config(handle, 0, interval)
        nextKeepalive = .after(.seconds(Int(interval)))
    }

    /// Offers only `algorithm` as host-key type, for collecting each of a server's keys in turn (`trust-host`).
    func handshake(offering algorithm: String, until deadline: Deadline) throws(SSHError) {
        libssh2_session_method_pref(handle, LIBSSH2_METHOD_HOSTKEY, algorithm)
        let result = try call(.handshake, until: deadline) { libssh2_session_handshake(handle, socket) }
        guard result == 0 else { throw failure(result, step: .handshake) }
    }

    /// The key the server proved it holds during the handshake.
    func hostKey() throws(SSHError) -> HostKey {
        var length = 0
        var type: Int32 = 0
        guard let bytes = libssh2_session_hostkey(handle, &length, &type), length > 0,
            let key = HostKey(blob: Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        else { throw .handshakeFailed(hop, reason: "the server sent no usable host key") }
        return key
    }

    /// Maps a failed libssh2 call to an error: socket trouble is a lost connection, the rest a failure of the step.
    func failure(_ code: Int32, step: SSHError.Step, bytesReceived: Int? = nil) -> SSHError {
        switch code {
        case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_SEND,
            LIBSSH2_ERROR_SOCKET_NONE, LIBSSH2_ERROR_BANNER_RECV, LIBSSH2_ERROR_BANNER_SEND,
            LIBSSH2_ERROR_CHANNEL_CLOSED:
            .connectionLost(hop, step: step, detail: socketTrouble(code), bytesReceived: bytesReceived)
        default:
            step == .handshake
                ? .handshakeFailed(hop, reason: lastError) : .stepFailed(hop, step: step, reason: lastError)
        }
    }

    /// What a socket-level failure means, in words; libssh2's own ("transport read") says only where it noticed.
    private func socketTrouble(_ code: Int32) -> String {
        switch code {
        case LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_BANNER_RECV: "the server closed the connection"
        case LIBSSH2_ERROR_SOCKET_RECV: "the connection was cut"
        case LIBSSH2_ERROR_SOCKET_SEND: "the connection was cut while sending"
        case LIBSSH2_ERROR_CHANNEL_CLOSED: "the server closed the channel"
        default: lastError
        }
    }

    // MARK: - Login

    /// Logs in with the key, then the password, whichever are configured and the server accepts.
    func authenticate(user: String, credentials: SSHCredentials, until deadline: Deadline) throws(SSHError) {
        guard !credentials.isEmpty else { throw .noCredentials(hop, user: user) }
        let userLength = UInt32(user.utf8.count)
        var listed: UnsafeMutablePointer<CChar>?
        while true {
            listed = libssh2_userauth_list(handle, user, userLength)
            if listed != nil || libssh2_userauth_authenticated(handle) != 0 { break }
            let code = lastErrorCode
            guard code == LIBSSH2_ERROR_EAGAIN else { throw loginFailure(user: user) }
            try waitForSocket(.login, until: deadline)
        }
        guard let listed else { return }
        let offered = Set(String(cString: listed).split(separator: ",").map(String.init))
        var attempts: [String] = []
        var unusableKey: (path: String, reason: String)?

        if let keyPath = credentials.keyPath {
            if access(keyPath, R_OK) != 0 {
                unusableKey = (keyPath, "cannot read it: \(String(cString: strerror(errno)))")
            } else if !offered.contains("publickey") {
                attempts.append(
                    "the server does not accept keys (it offers \(offered.sorted().joined(separator: ", ")))")
            } else {
                let result = try call(.login, until: deadline) {
                    libssh2_userauth_publickey_fromfile_ex(
                        handle, user, userLength, nil, keyPath, credentials.keyPassphrase ?? "")
                }
                if result == 0 { return }
                if result == LIBSSH2_ERROR_FILE {
                    unusableKey = (keyPath, "wrong passphrase, or not a private key libssh2 can read (\(lastError))")
                } else if result == LIBSSH2_ERROR_AUTHENTICATION_FAILED || result == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED
                {
                    attempts.append("the key \(keyPath) was not accepted" + Self.keyTypeHint(keyPath))
                } else {
                    throw loginFailure(user: user)
                }
            }
        }
        if let unusableKey { attempts.append("the key \(unusableKey.path) is unusable: \(unusableKey.reason)") }

        if let password = credentials.password {
            if !offered.contains("password") {
                attempts.append(
                    "the server does not accept passwords (it offers \(offered.sorted().joined(separator: ", ")))")
            } else {
                let result = try call(.login, until: deadline) {
                    libssh2_userauth_password_ex(
                        handle, user, userLength, password, UInt32(password.utf8.count), nil)
                }
                if result == 0 { return }
                switch result {
                case LIBSSH2_ERROR_AUTHENTICATION_FAILED: attempts.append("the password was not accepted")
                case LIBSSH2_ERROR_PASSWORD_EXPIRED: attempts.append("the password has expired")
                default: throw loginFailure(user: user)
                }
            }
        }
        if let unusableKey, credentials.password == nil {
            throw .keyFileUnusable(hop, path: unusableKey.path, reason: unusableKey.reason)
        }
        throw .authenticationFailed(hop, user: user, attempts: attempts)
    }

    /// Why a refused key may be refused whatever the server's authorized_keys says: libssh2 1.10 signs with
    /// `ssh-rsa` (SHA-1) only, which OpenSSH 8.8 and later no longer accept.
    private static func keyTypeHint(_ path: String) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            PrivateKeyFile.algorithm(of: text) == "ssh-rsa"
        else { return "" }
        return " (it is an RSA key: this SSH library signs with ssh-rsa/SHA-1, which OpenSSH 8.8 and later refuse;"
            + " use an ed25519 or ECDSA key)"
    }

    /// A login step that failed for something other than a refusal: never retried, since a server that drops us
    /// here (too many attempts, say) would do so again.
    private func loginFailure(user: String) -> SSHError {
        .authenticationFailed(hop, user: user, attempts: ["the server ended the login (\(lastError))"])
    }

    // MARK: - Channels

    /// A session channel for one command, with a receive window large enough that big outputs flow steadily.
    func openCommandChannel(until deadline: Deadline) throws(SSHError) -> SSHChannel {
        let pointer = try callReturningPointer(.channel, until: deadline) {
            libssh2_channel_open_ex(handle, "session", 7, SSHChannel.receiveWindow, SSHChannel.packetSize, nil, 0)
        }
        guard let pointer else { throw failure(lastErrorCode, step: .channel) }
        return SSHChannel(session: self, handle: pointer)
    }

    /// A `direct-tcpip` channel from this server to `host:port`: the bastion's half of a jump.
    func openTunnel(to target: SSHError.Hop, host: String, port: Int, until deadline: Deadline) throws(SSHError)
        -> SSHChannel
    {
        let pointer = try callReturningPointer(.channel, until: deadline) {
            libssh2_channel_direct_tcpip_ex(handle, host, Int32(port), "127.0.0.1", 22)
        }
        guard let pointer else {
            let code = lastErrorCode
            if code == LIBSSH2_ERROR_CHANNEL_FAILURE || code == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED {
                throw .tunnelFailed(bastion: hop, target: target, reason: lastError)
            }
            throw failure(code, step: .channel)
        }
        return SSHChannel(session: self, handle: pointer)
    }
}

/// libssh2's global setup, done once before the first session, from whichever thread gets there first.
enum SSHLibrary {
    private static let initialized: Bool = libssh2_init(0) == 0

    static func initialize() {
        precondition(initialized, "libssh2_init failed")
    }
}
