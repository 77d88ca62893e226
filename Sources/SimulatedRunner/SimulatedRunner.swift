public import Remote
public import Simulation
import SlurmKit
import Synchronization
import Threads

/// Answers the poll script from the simulated cluster, at the time its clock says.
///
/// The demo and the tests go through exactly the path a real head node's output takes: script, text, parser.
public final class SimulatedRunner: CommandRunner {
    public let sourceDescription = "simulated"
    private let cluster: Mutex<SimulatedCluster>
    private let now: @Sendable () -> Int64

    /// - Parameter now: the simulated time of each poll; backfills step it through the past.
    public init(cluster: sending SimulatedCluster = SimulatedCluster(), now: @escaping @Sendable () -> Int64) {
        self.cluster = Mutex(cluster)
        self.now = now
    }

    public func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandOutput {
        guard let nonce = PollRequest.nonce(in: command) else {
            return CommandOutput(stdout: "", stderr: "sh: command not available on the simulated cluster", status: 127)
        }
        let time = now()
        return await onOwnThread(name: "slurmbot-simulation") { [self] in
            CommandOutput(stdout: cluster.withLock { $0.output(at: time, nonce: nonce) })
        }
    }
}
