import Foundation
public import KnownHosts

/// Asks a server for each of its host keys, for `slurmbot trust-host`: one handshake per key type, as
/// `ssh-keyscan` does, directly or through the bastion (whose own key must already be trusted).
///
/// Nothing is logged in to on the server being scanned; through a bastion, only the bastion sees a login.
public struct HostKeyScanner: Sendable {
    public let options: SSHOptions
    public let bastion: SSHEndpoint?

    public init(options: SSHOptions, bastion: SSHEndpoint?) {
        self.options = options
        self.bastion = bastion
    }

    /// The distinct keys the server offers, strongest type first.
    public func scan(host: String, port: Int, timeout: Duration = .seconds(30)) async throws(SSHError) -> [HostKey] {
        let scanner = self
        return try await offPool { () throws(SSHError) in
            try scanner.scanBlocking(host: host, port: port, deadline: .after(timeout))
        }
    }

    private func scanBlocking(host: String, port: Int, deadline: Deadline) throws(SSHError) -> [HostKey] {
        let target = SSHEndpoint(host: host, port: port, user: "", credentials: SSHCredentials())
        let hop = SSHError.Hop(bastion == nil ? .server : .head, target.address)
        let verifier = try HostKeyVerifier(path: options.knownHostsPath, bastion: bastion)
        var keys: [HostKey] = []
        for algorithm in SSHSession.hostKeyAlgorithms {
            do throws(SSHError) {
                let key = try offeredKey(algorithm, target: target, hop: hop, verifier: verifier, deadline: deadline)
                if !keys.contains(key) { keys.append(key) }
            } catch {
                // A server without a key of this type ends the handshake; any other failure is the answer.
                switch error {
                case .handshakeFailed, .connectionLost(_, .handshake, _, _): continue
                default: throw error
                }
            }
        }
        guard !keys.isEmpty else {
            throw .handshakeFailed(
                hop,
                reason: "it offered no host key of a type this client can check ("
                    + SSHSession.hostKeyAlgorithms.joined(separator: ", ") + ")"
            )
        }
        return keys
    }

    private func offeredKey(
        _ algorithm: String, target: SSHEndpoint, hop: SSHError.Hop, verifier: HostKeyVerifier, deadline: Deadline
    ) throws(SSHError) -> HostKey {
        var tunnel: SSHTunnel?
        if let bastion {
            tunnel = try SSHTunnel.open(
                bastion: bastion, target: target, options: options, verifier: verifier, deadline: deadline)
        }
        // The session lives only inside `handshake`, so it is gone before the tunnel finishes.
        defer { tunnel?.finish() }
        let socket: Int32
        if let tunnel {
            socket = tunnel.socket
        } else {
            socket = try connectTCP(
                host: target.host, port: target.port, hop: hop, deadline: deadline.capped(at: options.connectTimeout))
        }
        return try handshake(algorithm, socket: socket, hop: hop, deadline: deadline)
    }

    private func handshake(_ algorithm: String, socket: Int32, hop: SSHError.Hop, deadline: Deadline) throws(SSHError)
        -> HostKey
    {
        let session = try SSHSession(socket: socket, hop: hop, keepaliveInterval: options.keepaliveInterval)
        try session.handshake(offering: algorithm, until: deadline.capped(at: options.connectTimeout))
        return try session.hostKey()
    }
}
