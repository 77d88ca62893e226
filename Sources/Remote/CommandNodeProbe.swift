public import Logging
public import SlurmKit

/// A live node probe that runs an admin-given command where the poll runs (the head node over SSH, or this machine),
/// with the node's name put in place of `{node}`; the command prints `/proc/loadavg` then `/proc/meminfo`.
///
/// The name is checked against Slurm's name rule before it is put in the command, and quoted as well. At most
/// `concurrency` probes run at once, so a burst of `/inspect` cannot open a burst of SSH connections; the rest are
/// answered with Slurm's figures at once.
public struct CommandNodeProbe: NodeProbe {
    public let cluster: String
    private let runner: any CommandRunner
    private let template: String
    private let timeout: Duration
    private let gate: Gate
    private let logger: Logger

    /// - Parameter template: a command containing `{node}`.
    public init(
        cluster: String, runner: any CommandRunner, template: String, timeout: Duration, concurrency: Int = 4,
        logger: Logger
    ) {
        self.cluster = cluster
        self.runner = runner
        self.template = template
        self.timeout = timeout
        self.gate = Gate(limit: max(1, concurrency))
        self.logger = logger
    }

    /// The command for `node`, or nil when the name is not one Slurm would use.
    public static func command(_ template: String, node: String) -> String? {
        guard SlurmName.isValid(node) else { return nil }
        return template.replacing("{node}", with: "'\(node)'")
    }

    public func vitals(of node: String) async -> Result<NodeVitals, NodeProbeError> {
        guard let command = Self.command(template, node: node) else {
            return .failure(NodeProbeError("that is not a node name"))
        }
        guard await gate.enter() else {
            return .failure(NodeProbeError("too many live probes are running; try again in a moment"))
        }
        let outcome = await probe(node, command)
        await gate.leave()
        return outcome
    }

    private func probe(_ node: String, _ command: String) async -> Result<NodeVitals, NodeProbeError> {
        let output: CommandOutput
        do {
            output = try await runner.run(command, timeout: timeout)
        } catch {
            logger.warning(
                "live probe failed",
                metadata: ["node": "\(node)", "source": "\(runner.sourceDescription)", "error": "\(error)"])
            if case .timedOut(let seconds) = error {
                return .failure(NodeProbeError("the node did not answer within \(Int(seconds.rounded())) s"))
            }
            return .failure(NodeProbeError("the probe could not reach the cluster"))
        }
        guard output.status == 0 else {
            let said = output.stderr.split(whereSeparator: \.isNewline).first.map { String($0.prefix(300)) } ?? ""
            logger.warning(
                "live probe failed",
                metadata: ["node": "\(node)", "status": "\(output.status)", "stderr": "\(said)"])
            return .failure(NodeProbeError("the probe could not read the node (exit status \(output.status))"))
        }
        do {
            return .success(try NodeVitals(parsing: output.stdout))
        } catch {
            logger.warning("live probe printed something else", metadata: ["node": "\(node)", "error": "\(error)"])
            return .failure(NodeProbeError("the probe's output could not be read"))
        }
    }
}

/// Counts probes in flight; refuses past the limit rather than queueing (a queued probe would answer too late).
private actor Gate {
    private let limit: Int
    private var running = 0

    init(limit: Int) { self.limit = limit }

    func enter() -> Bool {
        guard running < limit else { return false }
        running += 1
        return true
    }

    func leave() { running -= 1 }
}
