public import KnownHosts

/// Why the head node could not be reached or the command not run over SSH, worded for the person reading `/status`.
///
/// No case carries a password, passphrase or key material; paths, user names and public fingerprints only.
public enum SSHError: Error, Sendable, Hashable, CustomStringConvertible {
    case unresolvable(Hop, reason: String)
    case connectFailed(Hop, reason: String)
    case timedOut(Hop, step: Step, seconds: Int)
    case handshakeFailed(Hop, reason: String)
    /// A step after the handshake failed for a reason other than the network (a channel refused, say).
    case stepFailed(Hop, step: Step, reason: String)
    case hostKeyRejected(HostKeyRejection)
    case knownHostsUnreadable(path: String, reason: String)
    case noCredentials(Hop, user: String)
    case keyFileUnusable(Hop, path: String, reason: String)
    case authenticationFailed(Hop, user: String, attempts: [String])
    /// The bastion was reached, but it could not open a connection onwards to the head node.
    case tunnelFailed(bastion: Hop, target: Hop, reason: String)
    /// The link dropped; `bytesReceived` is how much of the command's output had arrived, when it had started.
    case connectionLost(Hop, step: Step, detail: String, bytesReceived: Int? = nil)
    case commandRefused(Hop, reason: String)
    case commandTimedOut(seconds: Int, bytesReceived: Int)
    /// Every attempt failed; `last` is how the last one did.
    indirect case gaveUp(attempts: Int, last: SSHError)

    /// One server on the way: the bastion or the head node, at an address.
    public struct Hop: Sendable, Hashable, CustomStringConvertible {
        public enum Role: String, Sendable, Hashable {
            case bastion = "the bastion"
            case head = "the head node"
            case server = "the server"
        }

        public var role: Role
        public var address: String

        public init(_ role: Role, _ address: String) {
            self.role = role
            self.address = address
        }

        public var description: String { "\(role.rawValue) \(address)" }
    }

    /// The stage a failure happened in.
    public enum Step: String, Sendable, Hashable {
        case connect = "connecting"
        case handshake = "the SSH handshake"
        case login = "login"
        case channel = "opening a channel"
        case command = "the command"
    }

    /// The failure itself, without the count of attempts around it.
    public var underlying: SSHError {
        if case .gaveUp(_, let last) = self { last.underlying } else { self }
    }

    /// Network trouble that a later attempt may not meet. Host keys, credentials and protocol mismatches are final,
    /// and nothing is retried once the command has started (the poller then records the failure instead).
    public var isRetryable: Bool {
        switch self {
        case .unresolvable, .connectFailed, .timedOut, .tunnelFailed: true
        case .connectionLost(_, let step, _, _): step != .command && step != .login
        default: false
        }
    }

    public var description: String {
        switch self {
        case .unresolvable(let hop, let reason):
            "cannot resolve the address of \(hop): \(reason)"
        case .connectFailed(let hop, let reason):
            "cannot connect to \(hop): \(reason)"
        case .timedOut(let hop, let step, let seconds):
            "\(hop) did not answer within \(seconds) s (\(step.rawValue))"
        case .handshakeFailed(let hop, let reason):
            "the SSH handshake with \(hop) failed: \(reason)"
        case .stepFailed(let hop, let step, let reason):
            "\(hop) failed during \(step.rawValue): \(reason)"
        case .hostKeyRejected(let rejection):
            rejection.description
        case .knownHostsUnreadable(let path, let reason):
            "cannot read the known hosts file \(path): \(reason)"
        case .noCredentials(let hop, let user):
            "no key or password is configured for \(user) on \(hop)"
        case .keyFileUnusable(let hop, let path, let reason):
            "cannot use the private key \(path) for \(hop): \(reason)"
        case .authenticationFailed(let hop, let user, let attempts):
            "\(hop) refused the login as \(user): " + attempts.joined(separator: "; ")
        case .tunnelFailed(let bastion, let target, let reason):
            "\(bastion) could not open a connection to \(target) (\(reason)); is the head node down?"
        case .connectionLost(let hop, let step, let detail, let bytes):
            "the connection to \(hop) was lost during \(step.rawValue): \(detail)"
                + (bytes.map { " after \($0) bytes of output" } ?? "")
        case .commandRefused(let hop, let reason):
            "\(hop) would not run the command: \(reason)"
        case .commandTimedOut(let seconds, let bytes):
            "the command did not finish within \(seconds) s (\(bytes) bytes of output had arrived) and was abandoned"
        case .gaveUp(let attempts, let last):
            "\(last) (gave up after \(attempts) attempts)"
        }
    }
}

/// A host key the known_hosts file does not vouch for, with the facts a person needs to check it.
public struct HostKeyRejection: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case unknown(otherKeys: [KnownHostsFile.Entry])
        case changed(known: [KnownHostsFile.Entry])
        case revoked(line: Int)
    }

    public var hop: SSHError.Hop
    public var key: HostKey
    public var knownHostsPath: String
    public var reason: Reason
    /// The command that records the key once it has been checked, such as `slurmbot trust-host h:2223 --via b:2222`.
    public var trustCommand: String

    public init(hop: SSHError.Hop, key: HostKey, knownHostsPath: String, reason: Reason, trustCommand: String) {
        self.hop = hop
        self.key = key
        self.knownHostsPath = knownHostsPath
        self.reason = reason
        self.trustCommand = trustCommand
    }

    public var description: String {
        let offered = "\(key.typeName) host key \(key.fingerprint)"
        switch reason {
        case .unknown(let others):
            var text = "refusing \(hop): its \(offered) is not in \(knownHostsPath)"
            if !others.isEmpty {
                text +=
                    " (which lists only "
                    + others.map { "\($0.key.typeName) \($0.key.fingerprint) on line \($0.line)" }.joined(
                        separator: ", ") + ")"
            }
            return text + ". Check the fingerprint with the cluster's admins, then record it with: \(trustCommand)"
        case .changed(let known):
            let lines = known.map { "line \($0.line) (\($0.key.typeName) \($0.key.fingerprint))" }
            return "HOST KEY CHANGED: \(hop) offered the \(offered), but \(knownHostsPath) holds another key for it on "
                + lines.joined(separator: ", ")
                + ". Someone may be intercepting the connection, or the host was reinstalled; refusing to connect."
                + " If the admins confirm the new key, delete the old line and run: \(trustCommand)"
        case .revoked(let line):
            return "refusing \(hop): its \(offered) is marked @revoked on line \(line) of \(knownHostsPath)"
        }
    }
}
