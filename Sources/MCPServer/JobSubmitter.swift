import Foundation
public import Logging
public import Remote

/// The write path: `sbatch` on the cluster the poller polls, as the poll's account, over the same SSH path (or on
/// this machine), with the job script on standard input. Only built when `SLURMBOT_MCP_ALLOW_SUBMIT=1`.
public struct JobSubmitter: Sendable {
    public var cluster: String
    let runner: any ScriptRunner
    let timeout: Duration
    let logger: Logger

    public init(cluster: String, runner: any ScriptRunner, timeout: Duration = .seconds(20), logger: Logger) {
        self.cluster = cluster
        self.runner = runner
        self.timeout = timeout
        self.logger = logger
    }

    func run(_ command: String, script: String) async throws(ToolFailure) -> CommandOutput {
        let output: CommandOutput
        do {
            output = try await runner.run(command, input: Array(script.utf8), timeout: timeout)
        } catch {
            logger.error("sbatch could not be run", metadata: ["error": "\(error)"])
            throw ToolFailure(message: "sbatch could not be run on cluster \(cluster): \(error)")
        }
        guard output.status == 0 else {
            let said = (output.stderr + output.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ToolFailure(message: "sbatch refused the job: " + String(said.prefix(500)))
        }
        return output
    }
}
