public import Logging
public import Remote

extension Settings {
    /// The live probe `/inspect` uses (`SLURMBOT_NODE_PROBE`, run where `SLURM_SOURCE` polls), or nil when none is
    /// configured.
    public func nodeProbe(logger: Logger) throws(SettingsError) -> CommandNodeProbe? {
        guard let template = self["SLURMBOT_NODE_PROBE"] else { return nil }
        guard template.contains("{node}") else {
            throw SettingsError("SLURMBOT_NODE_PROBE must contain {node} where the node's name goes")
        }
        return CommandNodeProbe(
            cluster: cluster, runner: try runnerWherePollRuns(for: "SLURMBOT_NODE_PROBE runs", logger: logger),
            template: template,
            timeout: .seconds(try positive("SLURMBOT_NODE_PROBE_TIMEOUT", default: 8)), logger: logger)
    }
}

extension Settings {
    /// The head node over SSH, or this machine, as `SLURM_SOURCE` says: where commands besides the poll run (the
    /// node probe, sbatch for MCP). `purpose` starts the error for any other source ("SLURMBOT_NODE_PROBE runs").
    func runnerWherePollRuns(for purpose: String, logger: Logger) throws(SettingsError)
        -> any CommandRunner & ScriptRunner
    {
        switch source {
        case "ssh":
            let ssh = try ssh()
            return SSHRunner(head: ssh.head, bastion: ssh.bastion, options: ssh.options, logger: logger)
        case "local":
            return LocalRunner()
        default:
            throw SettingsError(
                "\(purpose) where the poll runs, so it needs SLURM_SOURCE=ssh or local (not \(source))")
        }
    }
}
