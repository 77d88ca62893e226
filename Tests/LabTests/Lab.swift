import FixtureSupport
import Foundation
import Logging
import Remote
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The project's lab (`scripts/lab`): a real Slurm cluster with a bastion and a head-node sshd on loopback; Slurm
/// 22.05 (this machine's Debian 12 packages), or 24.11 (Debian 13's, in a root of its own) with `LAB_SLURM=24.11`.
///
/// The top-level lab suite starts it once, before its first test, and stops it after its last.
enum Lab {
    static let directory = ProcessInfo.processInfo.environment["LAB"] ?? "/var/lib/slurmbot-lab"
    /// The Slurm version to start: `LAB_SLURM` (scripts/test runs the lab tests once for each).
    static let slurm = ProcessInfo.processInfo.environment["LAB_SLURM"] ?? "22.05"
    /// Where admin commands find Slurm: the lab's wrappers first (the 24.11 root's commands), then this machine's.
    static let path = directory + "/bin:/usr/bin:/bin:/usr/sbin:/sbin"
    static let script = Fixtures.root.deletingLastPathComponent().appendingPathComponent("scripts/lab").path

    /// The lab creates users and starts daemons, so it needs root; CI runs as root.
    static let canRun = getuid() == 0

    /// Runs `scripts/lab ARGUMENTS`, failing with its output when it fails.
    ///
    /// Through `LocalRunner` (posix_spawn and a blocking `waitpid`), not Foundation's `Process`: in this sandbox
    /// `Process` sometimes never notices that the script exited, and the suite would wait forever.
    @discardableResult
    static func run(_ arguments: String...) async throws -> String {
        let command = ([script] + arguments).map { "'\($0)'" }.joined(separator: " ") + " 2>&1"
        var environment = ProcessInfo.processInfo.environment
        environment["LAB"] = directory
        let output = try await LocalRunner(environment: environment).run(command, timeout: .seconds(600))
        guard output.status == 0 else {
            throw Failure(description: "scripts/lab \(arguments.joined(separator: " ")) failed:\n\(output.stdout)")
        }
        return output.stdout
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `lab.env`, as written by `scripts/lab start`.
    static func environment() throws -> [String: String] {
        let text = try String(contentsOfFile: directory + "/lab.env", encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let trimmed = line.hasPrefix("export ") ? line.dropFirst(7) : line[...]
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            values[String(trimmed[..<equals])] = String(trimmed[trimmed.index(after: equals)...])
        }
        return values
    }

    static func value(_ name: String) throws -> String {
        guard let value = try environment()[name] else { throw Failure(description: "lab.env has no \(name)") }
        return value
    }

    static func port(_ name: String) throws -> Int {
        guard let port = Int(try value(name)) else { throw Failure(description: "\(name) is not a port") }
        return port
    }

    /// The head node and bastion with the lab's plain key, and the lab's known_hosts.
    static func endpoints(
        head headCredentials: SSHCredentials? = nil, bastion bastionCredentials: SSHCredentials? = nil
    ) throws -> (head: SSHEndpoint, bastion: SSHEndpoint) {
        let key = SSHCredentials(keyPath: try value("LAB_SSH_KEY"))
        let user = try value("LAB_SSH_USER")
        return (
            SSHEndpoint(
                host: "127.0.0.1", port: try port("LAB_HEAD_PORT"), user: user, credentials: headCredentials ?? key),
            SSHEndpoint(
                host: "127.0.0.1", port: try port("LAB_BASTION_PORT"), user: user,
                credentials: bastionCredentials ?? key)
        )
    }

    static func options(knownHosts: String? = nil, attempts: Int = 3) throws -> SSHOptions {
        SSHOptions(
            knownHostsPath: try knownHosts ?? value("LAB_KNOWN_HOSTS"), connectTimeout: .seconds(5),
            connectAttempts: attempts, retryDelay: .milliseconds(200))
    }

    static let logger = Logger(label: "lab-tests")
}

/// Starts the lab before the suite's first test and stops it after its last.
struct LabScope: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await Lab.run("start", "--quick", "--slurm", Lab.slurm)
        do {
            try await function()
        } catch {
            _ = try? await Lab.run("stop")
            throw error
        }
        try await Lab.run("stop")
    }
}

/// Every test that needs the lab lives below this suite, one at a time (several change the lab's state).
@Suite(
    "the real lab: Slurm 22.05 (or LAB_SLURM) behind a bastion, on loopback", .serialized, .enabled(if: Lab.canRun),
    LabScope())
struct LabSuite {}
