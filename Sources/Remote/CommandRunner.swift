/// What a command printed and how it ended.
public struct CommandOutput: Sendable, Hashable {
    public var stdout: String
    public var stderr: String
    public var status: Int32

    public init(stdout: String, stderr: String = "", status: Int32 = 0) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }
}

/// Why a command could not be run to the end; the message is for people and never contains secrets.
public enum RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    case timedOut(seconds: Double)
    case launchFailed(String)
    case unavailable(String)
    case ssh(SSHError)

    public var description: String {
        switch self {
        case .timedOut(let seconds): "the command did not finish within \(Int(seconds.rounded())) s and was stopped"
        case .launchFailed(let detail): "could not start the command: \(detail)"
        case .unavailable(let detail): detail
        case .ssh(let error): error.description
        }
    }
}

/// Runs the poll command somewhere: this machine, a head node over SSH, a fixture directory, a simulated cluster.
///
/// One call is one exec; implementations never run blocking work on Swift's cooperative pool.
public protocol CommandRunner: Sendable {
    /// Where the command runs, for logs and the `polls.source` column (never with credentials).
    var sourceDescription: String { get }

    /// Runs `command` with `sh`, stopping it after `timeout`.
    func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandOutput
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// Runs a command with bytes on its standard input, closed after them: how a job script reaches `sbatch` over the
/// same path the poll takes, never through a shell's words. One call is one exec.
public protocol ScriptRunner: Sendable {
    func run(_ command: String, input: [UInt8], timeout: Duration) async throws(RemoteError) -> CommandOutput
}
