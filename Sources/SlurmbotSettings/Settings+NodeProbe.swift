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
        let runner: any CommandRunner
        switch source {
        case "ssh":
            let ssh = try ssh()
            runner = SSHRunner(head: ssh.head, bastion: ssh.bastion, options: ssh.options, logger: logger)
        case "local":
            runner = LocalRunner()
        default:
            throw SettingsError(
                "SLURMBOT_NODE_PROBE runs where the poll runs, so it needs SLURM_SOURCE=ssh or local (not \(source))")
        }
        return CommandNodeProbe(
            cluster: cluster, runner: runner, template: template,
            timeout: .seconds(try positive("SLURMBOT_NODE_PROBE_TIMEOUT", default: 8)), logger: logger)
    }
}
