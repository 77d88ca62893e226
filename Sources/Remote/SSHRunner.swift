import Foundation
public import Logging

/// Runs the poll command on the head node over SSH (libssh2), directly or through a bastion.
///
/// One connection and one exec per poll. Host keys are checked against known_hosts on both hops before any
/// credential is sent. Reaching the head node is retried with a doubling pause when the network fails (never for a
/// refused login or host key); once the command has started nothing is retried, and a cut-off output is an error.
/// No step outlives the deadline. All libssh2 work runs on a thread of its own per run (and the bastion's on
/// another), never on Swift's cooperative pool or GCD's global queues.
public struct SSHRunner: CommandRunner, ScriptRunner {
    public let head: SSHEndpoint
    public let bastion: SSHEndpoint?
    public let options: SSHOptions
    private let logger: Logger

    public init(head: SSHEndpoint, bastion: SSHEndpoint? = nil, options: SSHOptions, logger: Logger) {
        self.head = head
        self.bastion = bastion
        self.options = options
        self.logger = logger
    }

    /// `ssh user@head:port via user@bastion:port`: no credentials.
    public var sourceDescription: String { "ssh \(head)" + (bastion.map { " via \($0)" } ?? "") }

    public func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandOutput {
        let runner = self
        return try await offPool { () throws(RemoteError) in
            do throws(SSHError) {
                return try runner.runBlocking(command, deadline: .after(timeout))
            } catch {
                throw .ssh(error)
            }
        }
    }

    /// Runs `command` with `input` on its standard input: a job script for `sbatch`, passed as bytes, never as
    /// words of a command line.
    public func run(_ command: String, input: [UInt8], timeout: Duration) async throws(RemoteError) -> CommandOutput {
        let runner = self
        return try await offPool { () throws(RemoteError) in
            do throws(SSHError) {
                return try runner.runBlocking(command, input: input, deadline: .after(timeout))
            } catch {
                throw .ssh(error)
            }
        }
    }

    func runBlocking(_ command: String, input: [UInt8] = [], deadline: Deadline) throws(SSHError) -> CommandOutput {
        let verifier = try HostKeyVerifier(path: options.knownHostsPath, bastion: bastion)
        let connection = try connectRetrying(verifier: verifier, deadline: deadline)
        defer { connection.close() }
        do {
            let channel = try connection.session.openCommandChannel(until: deadline.capped(at: options.connectTimeout))
            return try channel.execute(command, input: input, until: deadline)
        } catch {
            throw Self.blame(error, on: connection.tunnel)
        }
    }

    private func connectRetrying(verifier: HostKeyVerifier, deadline: Deadline) throws(SSHError) -> SSHConnection {
        var attempt = 1
        var pause = options.retryDelay
        while true {
            do {
                return try connect(verifier: verifier, deadline: deadline)
            } catch {
                guard error.isRetryable, attempt < options.connectAttempts,
                    deadline.remainingSeconds > pause.seconds + 1
                else { throw attempt > 1 ? .gaveUp(attempts: attempt, last: error) : error }
                logger.warning(
                    "ssh: \(error); trying again in \(pause) (attempt \(attempt + 1) of \(options.connectAttempts))")
                Thread.sleep(forTimeInterval: pause.seconds)
                attempt += 1
                pause *= 2
            }
        }
    }

    private func connect(verifier: HostKeyVerifier, deadline: Deadline) throws(SSHError) -> SSHConnection {
        let headHop = SSHError.Hop(.head, head.address)
        guard let bastion else {
            let socket = try connectTCP(
                host: head.host, port: head.port, hop: headHop, deadline: deadline.capped(at: options.connectTimeout))
            let session = try login(
                to: head, as: headHop, socket: socket, options: options, verifier: verifier, deadline: deadline)
            return SSHConnection(session: session, tunnel: nil)
        }
        let tunnel = try SSHTunnel.open(
            bastion: bastion, target: head, options: options, verifier: verifier, deadline: deadline)
        do {
            let session = try login(
                to: head, as: headHop, socket: tunnel.socket, options: options, verifier: verifier, deadline: deadline)
            return SSHConnection(session: session, tunnel: tunnel)
        } catch {
            throw Self.blame(error, on: tunnel)
        }
    }

    /// When the bastion's link broke, that is the cause; the head node's session only saw its connection vanish.
    private static func blame(_ error: SSHError, on tunnel: SSHTunnel?) -> SSHError {
        guard case .connectionLost(_, _, _, let bytes) = error, let breakage = tunnel?.breakage else { return error }
        if case .connectionLost(let hop, let step, let detail, nil) = breakage {
            return .connectionLost(hop, step: step, detail: detail, bytesReceived: bytes)
        }
        return breakage
    }
}
