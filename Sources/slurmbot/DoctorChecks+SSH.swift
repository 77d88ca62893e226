import Foundation
import Logging
import Remote
import SlurmbotSettings

extension DoctorChecks {
    /// The SSH path hop by hop, from one real connection that runs `sinfo -V` on the head node: each hop's name,
    /// TCP connection, host key and login, in order; where it breaks is the failed line, what follows not reached.
    static func sshPath(_ settings: Settings) async -> [DoctorLine] {
        guard settings.source == "ssh" else { return [.skipped("SSH", "SLURM_SOURCE is \(settings.source)")] }
        let ssh: SSHSettings
        do {
            ssh = try settings.ssh()
        } catch {
            return [.skipped("SSH", "not checked: the settings above are not usable")]
        }
        var options = ssh.options
        options.connectAttempts = 1
        let runner = SSHRunner(
            head: ssh.head, bastion: ssh.bastion, options: options, logger: Logger(label: "doctor"))
        let hops: [(SSHError.Hop.Role, SSHEndpoint)] =
            (ssh.bastion.map { [(.bastion, $0)] } ?? []) + [(.head, ssh.head)]
        let steps = ["DNS", "TCP", "host key", "login"]
        var failure: (hop: Int, step: Int, detail: String, fix: String)?
        var version = ""
        do {
            let output = try await runner.run("sinfo -V", timeout: .seconds(20))
            version = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if output.status != 0 || version.isEmpty {
                failure = (
                    hops.count, 0, "sinfo -V exited \(output.status): \(output.stderr.prefix(200))",
                    "install the Slurm client on the head node, or put sinfo on the login PATH of \(ssh.head.user)"
                )
            }
        } catch .ssh(let error) {
            failure = locate(error.underlying, hops: hops.map(\.0), settings: settings)
        } catch {
            failure = (hops.count, 0, error.description, "see the error")
        }
        var lines: [DoctorLine] = []
        for (index, (role, endpoint)) in hops.enumerated() {
            for (stepIndex, step) in steps.enumerated() {
                let name = "\(role == .bastion ? "bastion" : "head") \(step)"
                let place = "\(endpoint.user)@\(endpoint.host):\(endpoint.port)"
                if let failure, (failure.hop, failure.step) == (index, stepIndex) {
                    lines.append(.failed(name, failure.detail, fix: failure.fix))
                } else if let failure, (index, stepIndex) > (failure.hop, failure.step) {
                    lines.append(.skipped(name, "not reached"))
                } else {
                    lines.append(.passed(name, place))
                }
            }
        }
        if let failure, failure.hop == hops.count {
            lines.append(.failed("head sinfo -V", failure.detail, fix: failure.fix))
        } else if failure != nil {
            lines.append(.skipped("head sinfo -V", "not reached"))
        } else {
            lines.append(.passed("head sinfo -V", version))
        }
        return lines
    }

    /// Which hop and step an SSH failure belongs to (steps: 0 DNS, 1 TCP, 2 host key, 3 login), and its fix.
    static func locate(_ error: SSHError, hops: [SSHError.Hop.Role], settings: Settings)
        -> (hop: Int, step: Int, detail: String, fix: String)
    {
        func index(_ hop: SSHError.Hop) -> Int { hops.firstIndex(of: hop.role) ?? hops.count - 1 }
        let prefix = { (hop: SSHError.Hop) in hop.role == .bastion ? "SLURM_BASTION" : "SLURM_SSH" }
        switch error {
        case .unresolvable(let hop, _):
            return (index(hop), 0, error.description, "check \(prefix(hop))_HOST (getent hosts NAME)")
        case .connectFailed(let hop, _), .timedOut(let hop, .connect, _):
            return (
                index(hop), 1, error.description,
                "is sshd listening there? check \(prefix(hop))_HOST, \(prefix(hop))_PORT and firewalls"
            )
        case .tunnelFailed(_, let target, _):
            return (
                index(target), 1, error.description,
                "the bastion must reach the head node and allow forwarding (AllowTcpForwarding yes)"
            )
        case .hostKeyRejected(let rejection):
            return (
                index(rejection.hop), 2, error.description,
                "compare the fingerprint with the cluster's admins, then: \(rejection.trustCommand)"
            )
        case .knownHostsUnreadable:
            return (0, 2, error.description, "SLURM_KNOWN_HOSTS must name a readable known_hosts file")
        case .handshakeFailed(let hop, _), .timedOut(let hop, .handshake, _):
            return (index(hop), 2, error.description, "is that port an SSH server? check \(prefix(hop))_PORT")
        case .noCredentials(let hop, _), .keyFileUnusable(let hop, _, _), .authenticationFailed(let hop, _, _),
            .timedOut(let hop, .login, _):
            return (
                index(hop), 3, error.description,
                "put the public half of \(prefix(hop))_KEY in ~/.ssh/authorized_keys of that user there, "
                    + "or check the user (\(prefix(hop))_USER)"
            )
        default:
            return (hops.count, 0, error.description, "the head node accepted the login but the command failed")
        }
    }
}
