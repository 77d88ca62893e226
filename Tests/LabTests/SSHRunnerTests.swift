import FixtureSupport
import Foundation
import KnownHosts
import Remote
import Testing

extension LabSuite {
    @Suite("the SSH runner against real OpenSSH servers")
    struct SSHRunnerTests {
        static func runner(
            head: SSHCredentials? = nil, bastion: SSHCredentials? = nil, direct: Bool = false,
            knownHosts: String? = nil,
            keepalive: Duration = .seconds(15)
        ) throws -> SSHRunner {
            let endpoints = try Lab.endpoints(head: head, bastion: bastion)
            var options = try Lab.options(knownHosts: knownHosts)
            options.keepaliveInterval = keepalive
            return SSHRunner(
                head: endpoints.head, bastion: direct ? nil : endpoints.bastion, options: options, logger: Lab.logger)
        }

        /// The SSH error a run ended with.
        static func failure(of runner: SSHRunner, _ command: String = "true", timeout: Duration = .seconds(20))
            async -> SSHError?
        {
            do {
                _ = try await runner.run(command, timeout: timeout)
                return nil
            } catch {
                if case .ssh(let ssh) = error { return ssh }
                Issue.record("expected an SSH error, got \(error)")
                return nil
            }
        }

        @Test("straight to the head node: stdout, stderr and exit status come back separately")
        func direct() async throws {
            let output = try await Self.runner(direct: true).run(
                "echo out; echo err >&2; exit 3", timeout: .seconds(20))
            #expect(output == CommandOutput(stdout: "out\n", stderr: "err\n", status: 3))
        }

        @Test("through the bastion to the head node, where Slurm answers")
        func throughBastion() async throws {
            let output = try await Self.runner().run("echo $SLURM_CONF; sinfo -h -o %P", timeout: .seconds(20))
            #expect(output.status == 0)
            #expect(output.stdout.hasPrefix(Lab.directory + "/etc/slurm.conf\n"))
            #expect(output.stdout.contains("debug*"))
        }

        @Test("passwords on both hops, a key with a passphrase, an ECDSA key")
        func credentials() async throws {
            let password = SSHCredentials(password: try Lab.value("LAB_SSH_PASSWORD"))
            let withPassphrase = SSHCredentials(
                keyPath: try Lab.value("LAB_SSH_KEY_WITH_PASSPHRASE"),
                keyPassphrase: try Lab.value("LAB_SSH_KEY_PASSPHRASE"))
            let ecdsa = SSHCredentials(keyPath: try Lab.value("LAB_SSH_KEY_ECDSA"))
            for (head, bastion) in [(password, password), (withPassphrase, ecdsa), (ecdsa, withPassphrase)] {
                let output = try await Self.runner(head: head, bastion: bastion).run("whoami", timeout: .seconds(20))
                #expect(output.stdout == "labuser\n")
            }
            // A refused key falls back to the password when both are configured.
            let stranger = SSHCredentials(
                keyPath: try Lab.value("LAB_SSH_KEY_STRANGER"), password: try Lab.value("LAB_SSH_PASSWORD"))
            #expect(try await Self.runner(head: stranger).run("whoami", timeout: .seconds(20)).stdout == "labuser\n")
        }

        @Test("key trouble is named, final, and never retried")
        func keyTrouble() async throws {
            let wrongPhrase = SSHCredentials(
                keyPath: try Lab.value("LAB_SSH_KEY_WITH_PASSPHRASE"), keyPassphrase: "nope")
            let failure = await Self.failure(of: try Self.runner(bastion: wrongPhrase))
            guard case .keyFileUnusable(let hop, let path, let reason) = failure else {
                Issue.record("expected an unusable key, got \(String(describing: failure))")
                return
            }
            let keyPath = try Lab.value("LAB_SSH_KEY_WITH_PASSPHRASE")
            #expect(hop.role == .bastion && path == keyPath)
            #expect(reason.hasPrefix("wrong passphrase, or not a private key libssh2 can read"))
            let missing = await Self.failure(of: try Self.runner(head: SSHCredentials(keyPath: "/nonexistent/key")))
            #expect(
                missing?.description
                    == "cannot use the private key /nonexistent/key for the head node 127.0.0.1:2323: cannot read it: No such file or directory"
            )
            // OpenSSH 9.2 accepts the RSA key in authorized_keys but not libssh2 1.10's SHA-1 signature: say so.
            let rsa = await Self.failure(
                of: try Self.runner(head: SSHCredentials(keyPath: try Lab.value("LAB_SSH_KEY_RSA"))))
            #expect(
                rsa?.description.contains(
                    "(it is an RSA key: this SSH library signs with ssh-rsa/SHA-1, which OpenSSH 8.8 and later refuse; use an ed25519 or ECDSA key)"
                ) == true)
            let none = await Self.failure(of: try Self.runner(head: SSHCredentials()))
            #expect(none == .noCredentials(.init(.head, "127.0.0.1:2323"), user: "labuser"))
        }

        @Test("tens of MB through the jump arrive whole and in order")
        func largeOutput() async throws {
            let output = try await Self.runner().run(
                "seq 1 4000000; head -c 2000000 /dev/zero | tr '\\0' e >&2", timeout: .seconds(120))
            #expect(output.stdout.utf8.count == 30_888_896)
            #expect(output.stdout == (1...4_000_000).map(String.init).joined(separator: "\n") + "\n")
            #expect(output.stderr.utf8.count == 2_000_000)
        }

        @Test("a command killed by a signal reports 128 + the signal, as a shell does; its stdin is closed")
        func signalsAndStdin() async throws {
            #expect(try await Self.runner().run("kill -TERM $$", timeout: .seconds(20)).status == 143)
            #expect(
                try await Self.runner().run("cat; echo stdin closed", timeout: .seconds(20)).stdout == "stdin closed\n")
        }

        @Test("keepalives go out on both hops while a command is quiet, and the deadline still holds")
        func keepalive() async throws {
            let relay = try TCPRelay(to: try Lab.port("LAB_BASTION_PORT"))
            defer { relay.stop() }
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let knownHosts = directory.file("known_hosts")
            let bastionKey = try SSHFixtures.publicKey("bastion/ssh_host_ed25519_key.pub")
            let lab = try String(contentsOfFile: try Lab.value("LAB_KNOWN_HOSTS"), encoding: .utf8)
            try (lab + "[127.0.0.1]:\(relay.port) \(bastionKey)\n").write(
                toFile: knownHosts, atomically: true, encoding: .utf8)
            var (head, bastion) = try Lab.endpoints()
            bastion.port = relay.port
            var options = try Lab.options(knownHosts: knownHosts)
            options.keepaliveInterval = .seconds(1)
            let runner = SSHRunner(head: head, bastion: bastion, options: options, logger: Lab.logger)

            let started = ContinuousClock.now
            #expect(try await runner.run("sleep 4; echo woke", timeout: .seconds(20)).stdout == "woke\n")
            let quiet = relay.flows.filter {
                $0.toServer && $0.at > started + .milliseconds(1200) && $0.at < started + .milliseconds(4000)
            }
            #expect(quiet.count >= 2, "keepalives should cross the wire while the command sleeps")

            // A keepalive answer once made libssh2's queue check fail and the read loop spin past its deadline.
            let slow = ContinuousClock.now
            let failure = await Self.failure(of: runner, "sleep 30", timeout: .seconds(4))
            #expect(failure == .commandTimedOut(seconds: 4, bytesReceived: 0))
            #expect(ContinuousClock.now - slow < .seconds(12), "the deadline, not the 30 s sleep, ends it")
        }

        @Test("several polls at once through one bastion do not disturb each other")
        func concurrent() async throws {
            let runner = try Self.runner()
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<6 {
                    group.addTask { try await runner.run("sleep 0.3; echo \(index)", timeout: .seconds(30)).stdout }
                }
                var seen: Set<String> = []
                for try await line in group { seen.insert(line) }
                #expect(seen == Set((0..<6).map { "\($0)\n" }))
            }
        }

        @Test("a host whose key is not trusted never sees a credential")
        func noCredentialsToUnknownHosts() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let empty = directory.file("known_hosts")
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            let attemptsBefore = SSHFixtures.loginAttempts(on: "bastion")
            let password = SSHCredentials(password: try Lab.value("LAB_SSH_PASSWORD"))
            let failure = await Self.failure(of: try Self.runner(bastion: password, knownHosts: empty))
            guard case .hostKeyRejected(let rejection) = failure else {
                Issue.record("expected a host key rejection, got \(String(describing: failure))")
                return
            }
            #expect(rejection.hop == .init(.bastion, "127.0.0.1:2322"))
            let fingerprint = try SSHFixtures.fingerprint(of: "bastion/ssh_host_ed25519_key.pub")
            #expect(rejection.key.fingerprint == fingerprint)
            #expect(rejection.trustCommand == "slurmbot trust-host 127.0.0.1:2322")
            try await Task.sleep(for: .milliseconds(200))
            #expect(SSHFixtures.loginAttempts(on: "bastion") == attemptsBefore, "no login may reach an unverified host")
            // A missing file trusts nothing, and says so.
            let missing = await Self.failure(of: try Self.runner(knownHosts: directory.file("none")))
            #expect(missing?.description.contains("(which does not exist yet)") == true)
        }

        @Test("the handshake asks for the key type known_hosts holds, so a server with several keys can be checked")
        func prefersKnownKeyType() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let knownHosts = directory.file("known_hosts")
            let ecdsa = try SSHFixtures.publicKey("head/ssh_host_ecdsa_key.pub")
            try "[127.0.0.1]:2323 \(ecdsa)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
            #expect(
                try await Self.runner(direct: true, knownHosts: knownHosts).run("true", timeout: .seconds(20)).status
                    == 0)
        }

        @Test("a host name is resolved (off the calling thread) and checked against known_hosts under that name")
        func hostName() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let knownHosts = directory.file("known_hosts")
            try "[localhost]:2323 \(try SSHFixtures.publicKey("head/ssh_host_ed25519_key.pub"))\n".write(
                toFile: knownHosts, atomically: true, encoding: .utf8)
            var head = try Lab.endpoints().head
            head.host = "localhost"
            let runner = SSHRunner(head: head, options: try Lab.options(knownHosts: knownHosts), logger: Lab.logger)
            #expect(try await runner.run("echo by name", timeout: .seconds(20)).stdout == "by name\n")
            // The same server by address is another entry, unknown to this file.
            let byAddress = await Self.failure(of: try Self.runner(direct: true, knownHosts: knownHosts))
            #expect(byAddress?.description.hasPrefix("refusing the head node 127.0.0.1:2323") == true)
        }

        @Test("past the deadline the runner gives up on time, however the server behaves")
        func deadline() async throws {
            let started = ContinuousClock.now
            let failure = await Self.failure(of: try Self.runner(), "echo begun; sleep 30", timeout: .seconds(2))
            #expect(failure == .commandTimedOut(seconds: 2, bytesReceived: 6))
            #expect(ContinuousClock.now - started < .seconds(12), "the deadline, not the 30 s sleep, ends it")
        }

        /// This process's sockets, pipes and files; libdispatch's own timer and event descriptors come and go.
        static func openFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).sorted().compactMap {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)"),
                    !target.hasPrefix("anon_inode:")
                else { return nil }
                return "\($0) -> \(target)"
            }
        }

        @Test("forty runs, good and failed, direct and jumped, leave no descriptor or tunnel thread behind")
        func noLeaks() async throws {
            func tunnelThreads() -> Int {
                let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
                return tasks.filter {
                    ((try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)) ?? "").hasPrefix(
                        "slurmbot-ssh")
                }.count
            }
            let good = try Self.runner()
            let direct = try Self.runner(direct: true)
            let refused = try Self.runner(bastion: SSHCredentials(password: "wrong"))
            let slow = try Self.runner()
            var before: [String] = []
            // One of each first: libraries open some files once, on first use.
            for round in 0..<11 {
                if round == 1 { before = Self.openFiles() }
                _ = try await good.run("echo \(round)", timeout: .seconds(20))
                _ = try await direct.run("echo \(round)", timeout: .seconds(20))
                _ = await Self.failure(of: refused)
                _ = await Self.failure(of: slow, "sleep 5", timeout: .milliseconds(300))
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(Self.openFiles() == before)
            #expect(tunnelThreads() == 0)
        }
    }
}
