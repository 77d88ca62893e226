import FixtureSupport
import Foundation
import KnownHosts
import Store
import Testing

extension LabSuite {
    @Suite("slurmbot trust-host and slurmbot-poller --source ssh, run as a user runs them")
    struct CommandLineOverSSHTests {
        static func lines(_ path: String) -> [String] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        @Test("trust-host records nothing unconfirmed, one key by fingerprint, or every key after a typed yes")
        func trustHost() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let knownHosts = directory.file("ssh/known_hosts")
            let bastionFingerprint = try SSHFixtures.fingerprint(of: "bastion/ssh_host_ed25519_key.pub")
            let headFingerprint = try SSHFixtures.fingerprint(of: "head/ssh_host_ed25519_key.pub")

            let unconfirmed = try await Products.run(
                "slurmbot", ["trust-host", "127.0.0.1:2322", "--known-hosts", knownHosts])
            #expect(unconfirmed.status == 1)
            #expect(unconfirmed.stdout.contains("ED25519  \(bastionFingerprint)  new"))
            #expect(
                unconfirmed.stdout.contains(
                    "ECDSA    \(try SSHFixtures.fingerprint(of: "bastion/ssh_host_ecdsa_key.pub"))  new"))
            #expect(unconfirmed.stderr.contains("not confirmed; nothing recorded"))
            #expect(!FileManager.default.fileExists(atPath: knownHosts))

            let wrong = try await Products.run(
                "slurmbot",
                ["trust-host", "127.0.0.1:2322", "--known-hosts", knownHosts, "--fingerprint", headFingerprint])
            #expect(wrong.status == 1 && wrong.stderr.contains("no key of 127.0.0.1:2322 has the fingerprint you gave"))

            // The head is asked through the bastion, which must be trusted first.
            let key = ["SLURM_SSH_KEY": try Lab.value("LAB_SSH_KEY")]
            let viaUntrusted = try await Products.run(
                "slurmbot",
                [
                    "trust-host", "127.0.0.1:2323", "--via", "labuser@127.0.0.1:2322", "--known-hosts", knownHosts,
                    "--fingerprint", headFingerprint,
                ], environment: key)
            #expect(viaUntrusted.status == 1 && viaUntrusted.stderr.contains("refusing the bastion 127.0.0.1:2322"))

            let bastion = try await Products.run(
                "slurmbot",
                ["trust-host", "127.0.0.1:2322", "--known-hosts", knownHosts, "--fingerprint", bastionFingerprint])
            #expect(bastion.status == 0, "\(bastion.stderr)")
            #expect(
                bastion.stdout.contains(
                    "Recorded ED25519 \(bastionFingerprint) for 127.0.0.1:2322 in \(knownHosts) (line 1)."))
            let head = try await Products.run(
                "slurmbot",
                [
                    "trust-host", "127.0.0.1:2323", "--via", "labuser@127.0.0.1:2322", "--known-hosts", knownHosts,
                    "--fingerprint", headFingerprint.replacingOccurrences(of: "SHA256:", with: ""),
                ], environment: key)
            #expect(head.status == 0, "\(head.stderr)")
            #expect(Self.lines(knownHosts).count == 2)
            #expect(Self.lines(knownHosts)[1].hasPrefix("[127.0.0.1]:2323 ssh-ed25519 "))
            let attributes = try FileManager.default.attributesOfItem(atPath: knownHosts)
            #expect(attributes[.posixPermissions] as? Int == 0o600)

            // Again: nothing to do. A typed yes records the remaining (ECDSA) key, hashed.
            let again = try await Products.run(
                "slurmbot",
                ["trust-host", "127.0.0.1:2322", "--known-hosts", knownHosts, "--fingerprint", bastionFingerprint])
            #expect(again.status == 0 && again.stdout.contains("already trusted (line 1)"))
            let yes = try await Products.run(
                "slurmbot", ["trust-host", "127.0.0.1:2322", "--known-hosts", knownHosts, "--hash"], input: "yes\n")
            #expect(yes.status == 0, "\(yes.stderr)")
            let all = Self.lines(knownHosts)
            #expect(all.count == 3 && all[2].hasPrefix("|1|") && all[2].contains(" ecdsa-sha2-nistp256 "))
            let file = KnownHostsFile(parsing: all.joined(separator: "\n"))
            #expect(file.entries(host: "127.0.0.1", port: 2322).count == 2)
        }

        @Test("trust-host refuses a changed key unless told to replace it, and then replaces only that line")
        func trustHostReplace() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let knownHosts = directory.file("known_hosts")
            let stale = try SSHFixtures.publicKey("head/ssh_host_ed25519_key.pub")
            try "# mine\n[127.0.0.1]:2322 \(stale)\nother.example \(stale)\n".write(
                toFile: knownHosts, atomically: true, encoding: .utf8)
            let fingerprint = try SSHFixtures.fingerprint(of: "bastion/ssh_host_ed25519_key.pub")
            let arguments = ["trust-host", "127.0.0.1:2322", "--known-hosts", knownHosts, "--fingerprint", fingerprint]
            let refused = try await Products.run("slurmbot", arguments)
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("CHANGED: line 2 holds"))
            #expect(refused.stderr.contains("run again with --replace"))
            let replaced = try await Products.run("slurmbot", arguments + ["--replace"])
            #expect(replaced.status == 0, "\(replaced.stderr)")
            let lines = Self.lines(knownHosts)
            #expect(lines.count == 3 && lines[0] == "# mine" && lines[1] == "other.example \(stale)")
            #expect(lines[2].hasPrefix("[127.0.0.1]:2322 ssh-ed25519 "))
        }

        @Test("slurmbot-poller with the lab's poller.env polls through the bastion; a failure is recorded and shown")
        func pollerBinary() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let db = directory.file("lab.db")
            let environment = ["SLURMBOT_ENV_FILE": Lab.directory + "/poller.env", "SLURMBOT_TIMEZONE": "UTC"]
            let poll = try await Products.run("slurmbot-poller", ["--db", db], environment: environment)
            #expect(poll.status == 0, "\(poll.stderr)")
            let status = try await Products.run("slurmbot", ["status", "--db", db], environment: environment)
            #expect(status.stdout.contains("Cluster slurmbotlab, as of "))
            #expect(status.stdout.contains("n4  IDLE+DRAIN: lab: bad DIMM (by root since"))
            var failing = environment
            failing["SLURM_KNOWN_HOSTS"] = directory.file("empty_known_hosts")
            let failed = try await Products.run("slurmbot-poller", ["--db", db], environment: failing)
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("refusing the bastion 127.0.0.1:2322"))
            let after = try await Products.run("slurmbot", ["status", "--db", db], environment: environment)
            #expect(after.stdout.contains("WARNING: the last 1 poll(s) failed"))
            #expect(after.stdout.contains("refusing the bastion 127.0.0.1:2322: its ED25519 host key"))
            #expect(after.stdout.contains("n4  IDLE+DRAIN: lab: bad DIMM"), "the last good snapshot is still shown")
        }

        @Test("slurmbot render /inspect reads the node live on the head node, through the bastion, as the server does")
        func inspectLive() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let db = directory.file("lab.db")
            var environment = ["SLURMBOT_ENV_FILE": Lab.directory + "/poller.env", "SLURMBOT_TIMEZONE": "UTC"]
            let poll = try await Products.run("slurmbot-poller", ["--db", db], environment: environment)
            #expect(poll.status == 0, "\(poll.stderr)")
            // The lab's nodes all run on the head itself: Slurm is asked for the node, the head's files are read.
            environment["SLURMBOT_NODE_PROBE"] =
                "scontrol show node {node} >/dev/null && cat /proc/loadavg /proc/meminfo"
            let live = try await Products.run(
                "slurmbot", ["render", "/inspect node:n1", "--db", db], environment: environment)
            #expect(live.status == 0, "\(live.stderr)")
            #expect(live.stdout.contains("Load and available memory read on the node just now"), "\(live.stdout)")
            #expect(live.stdout.contains("available now"))

            environment["SLURMBOT_NODE_PROBE"] = "scontrol show node {node}-gone >/dev/null && cat /proc/loadavg"
            let failed = try await Products.run(
                "slurmbot", ["render", "/inspect node:n1", "--db", db], environment: environment)
            #expect(failed.status == 0, "\(failed.stderr)")
            #expect(
                failed.stdout.contains(
                    "Live figures unavailable: the probe could not read the node (exit status 1). "
                        + "Load and memory as Slurm reported them at the last poll."), "\(failed.stdout)")
        }
    }
}
