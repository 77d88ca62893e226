import FixtureSupport
import Foundation
import Logging
import Poller
import Remote
import SlurmKit
import Store
import Testing

/// A database and pollers for it, for one test.
struct LabPolls {
    let directory: TemporaryDirectory
    let database: Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try Database(path: directory.file("lab.db"))
    }

    func poller(_ runner: any CommandRunner, timeout: Duration = .seconds(30)) -> Poller {
        Poller(runner: runner, database: database, cluster: "lab", timeout: timeout, logger: Lab.logger)
    }

    static func runner(
        knownHosts: String? = nil, head: SSHCredentials? = nil, bastion: SSHCredentials? = nil, attempts: Int = 3
    ) throws -> SSHRunner {
        let (headEndpoint, bastionEndpoint) = try Lab.endpoints(head: head, bastion: bastion)
        return SSHRunner(
            head: headEndpoint, bastion: bastionEndpoint,
            options: try Lab.options(knownHosts: knownHosts, attempts: attempts), logger: Lab.logger)
    }

    /// What the database shows as the cluster now: the last good poll and its nodes.
    func current() throws -> (poll: PollRecord?, nodes: [Node]) {
        try database.sync { connection in
            (try connection.latestSuccessfulPoll(cluster: "lab"), try connection.currentNodes(cluster: "lab"))
        }
    }

    func latestPoll() throws -> PollRecord? {
        try database.sync { try $0.latestPoll(cluster: "lab") }
    }

    /// A good poll, a fault, a poll that fails with `reason` and changes nothing, recovery, and a good poll again.
    func faultCycle(
        reason expected: [String], faultyRunner: SSHRunner? = nil, timeout: Duration = .seconds(30),
        fault: () async throws -> Void = {}, during: (@Sendable () async throws -> Void)? = nil,
        recover: () async throws -> Void = {}
    ) async throws {
        let good = try Self.runner()
        #expect(try await poller(good).pollOnce().succeeded)
        let before = try current()
        try await fault()
        let started = ContinuousClock.now
        let outcome: Poller.Outcome
        if let during {
            async let background: Void = during()
            outcome = try await poller(faultyRunner ?? good, timeout: timeout).pollOnce()
            try await background
        } else {
            outcome = try await poller(faultyRunner ?? good, timeout: timeout).pollOnce()
        }
        let elapsed = ContinuousClock.now - started
        try await recover()
        guard case .failed(let reason) = outcome else {
            Issue.record("the poll should have failed")
            return
        }
        for part in expected { #expect(reason.contains(part), "\(reason)\nshould contain: \(part)") }
        #expect(!reason.contains("labpass") && !reason.contains("keypass"), "a secret leaked into: \(reason)")
        #expect(elapsed < timeout + .seconds(3), "the poll took \(elapsed) against a \(timeout) deadline")
        let recorded = try latestPoll()
        #expect(recorded?.ok == false && recorded?.error == reason)
        let after = try current()
        #expect(after.poll == before.poll, "the last good poll must stay the latest good one")
        #expect(after.nodes == before.nodes, "the previous snapshot must be intact")
        #expect(try await poller(good).pollOnce().succeeded, "the poll after recovery should succeed")
    }
}

extension LabSuite {
    @Suite("slurmbot-poller through the bastion: the whole path, and every way it can fail")
    struct PollerOverSSHTests {
        /// Node states and job states as Slurm itself prints them on the head node right now.
        static func slurmNow() async throws -> (nodes: [String: String], jobs: [String: String]) {
            let environment = ["SLURM_CONF": Lab.directory + "/etc/slurm.conf", "PATH": Lab.path]
            let nodes = try await LocalRunner(environment: environment).run(
                "scontrol -o show node", timeout: .seconds(20))
            let jobs = try await LocalRunner(environment: environment).run(
                "squeue -h -t all -o '%i|%T'", timeout: .seconds(20))
            var nodeStates: [String: String] = [:]
            for line in nodes.stdout.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard let name = fields.first(where: { $0.hasPrefix("NodeName=") })?.dropFirst(9),
                    let state = fields.first(where: { $0.hasPrefix("State=") })?.dropFirst(6)
                else { continue }
                nodeStates[String(name)] = String(state)
            }
            var jobStates: [String: String] = [:]
            for line in jobs.stdout.split(separator: "\n") {
                let parts = line.split(separator: "|")
                if parts.count == 2 { jobStates[String(parts[0])] = String(parts[1]) }
            }
            return (nodeStates, jobStates)
        }

        @Test("a poll through bastion and head stores exactly what scontrol and squeue report at that moment")
        func endToEnd() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            var matched = false
            for _ in 0..<5 where !matched {
                let before = try await Self.slurmNow()
                let outcome = try await polls.poller(try LabPolls.runner()).pollOnce()
                let after = try await Self.slurmNow()
                guard case .stored(_, let nodeCount, let jobCount, _) = outcome else {
                    Issue.record("the poll failed: \(outcome)")
                    return
                }
                // Slurm changed while we polled: the comparison would be unfair, so poll again.
                guard before.nodes == after.nodes, before.jobs == after.jobs else { continue }
                matched = true
                #expect(nodeCount == before.nodes.count && jobCount == before.jobs.count)
                let stored = try polls.database.sync { connection in
                    (
                        try connection.currentNodes(cluster: "lab"),
                        try connection.jobs(cluster: "lab", filter: JobFilter(listedOnly: true, limit: 10_000)),
                        try connection.latestSuccessfulPoll(cluster: "lab")
                    )
                }
                #expect(
                    Dictionary(uniqueKeysWithValues: stored.0.map { ($0.name, $0.state.description) }) == before.nodes)
                #expect(
                    Dictionary(uniqueKeysWithValues: stored.1.map { ($0.job.displayID, $0.job.state.rawValue) })
                        == before.jobs)
                #expect(stored.2?.source == "ssh labuser@127.0.0.1:2323 via labuser@127.0.0.1:2322")
                #expect(stored.2?.slurmVersion == "slurm-wlm \(try Lab.value("LAB_SLURM_VERSION"))")
                // GPUs asked with --gpus and --gpus-per-task (squeue %b says N/A for both) are counted and stored.
                let gpus = Dictionary(uniqueKeysWithValues: stored.1.map { (String($0.job.jobID), $0.job.gpus) })
                let (perJob, perTask) = (try Lab.value("LAB_JOB_GPUSJOB"), try Lab.value("LAB_JOB_GPUSTASK"))
                #expect(gpus[perJob] == 1 && gpus[perTask] == 2)
                // The lab's mix is all there: drained, draining, down, reserved, maintenance, never-started nodes.
                let states = Set(before.nodes.values)
                for state in ["IDLE+DRAIN", "IDLE+MAINTENANCE+RESERVED", "IDLE+RESERVED", "DOWN"] {
                    #expect(states.contains(state), "the lab should have a \(state) node: \(states.sorted())")
                }
                // A job ending on it at that moment adds COMPLETING (seen in CI: MIXED+COMPLETING+DRAIN).
                let drainingUnderJobs = states.contains { state in
                    let flags = state.split(separator: "+")
                    return ["MIXED", "ALLOCATED"].contains(flags.first ?? "") && flags.contains("DRAIN")
                }
                #expect(drainingUnderJobs, "the lab should have a node draining under running jobs: \(states.sorted())")
                #expect(
                    Set(before.jobs.values).isSuperset(of: [
                        "RUNNING", "PENDING", "COMPLETED", "FAILED", "CANCELLED", "SUSPENDED", "NODE_FAIL",
                    ]))
            }
            #expect(matched, "Slurm kept changing during every poll")
        }

        @Test("bastion down: refused connections, retried, recorded")
        func bastionDown() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            try await polls.faultCycle(
                reason: [
                    "ssh labuser@127.0.0.1:2323 via labuser@127.0.0.1:2322: cannot connect to the bastion 127.0.0.1:2322: Connection refused (gave up after 3 attempts)"
                ],
                fault: { try await Lab.run("sshd", "stop", "bastion") },
                recover: { try await Lab.run("sshd", "start", "bastion") })
        }

        @Test("head node down: the bastion cannot reach it")
        func headDown() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            try await polls.faultCycle(
                reason: [
                    "the bastion 127.0.0.1:2322 could not open a connection to the head node 127.0.0.1:2323",
                    "is the head node down?", "(gave up after 3 attempts)",
                ],
                fault: { try await Lab.run("sshd", "stop", "head") },
                recover: { try await Lab.run("sshd", "start", "head") })
        }

        @Test("wrong password: refused once, never retried, the password never shown")
        func wrongPassword() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            try await polls.faultCycle(
                reason: ["the bastion 127.0.0.1:2322 refused the login as labuser: the password was not accepted"],
                faultyRunner: try LabPolls.runner(bastion: SSHCredentials(password: "labpass-but-wrong")))
            let reason = try #require(try polls.database.sync { try $0.recentPolls(cluster: "lab", limit: 3) }[1].error)
            #expect(!reason.contains("gave up") && !reason.contains("labpass-but-wrong"))
        }

        @Test("wrong key: the head node refuses a key it does not know")
        func wrongKey() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            let stranger = try Lab.value("LAB_SSH_KEY_STRANGER")
            try await polls.faultCycle(
                reason: [
                    "the head node 127.0.0.1:2323 refused the login as labuser: the key \(stranger) was not accepted"
                ],
                faultyRunner: try LabPolls.runner(head: SSHCredentials(keyPath: stranger)))
        }

        @Test("unknown host key: refused with host, port, type, fingerprint and the command that trusts it")
        func unknownHostKey() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            let knownHosts = polls.directory.file("known_hosts")
            let all = try String(contentsOfFile: try Lab.value("LAB_KNOWN_HOSTS"), encoding: .utf8)
            try all.split(separator: "\n").filter { $0.hasPrefix("[127.0.0.1]:2322") }.joined(separator: "\n")
                .write(toFile: knownHosts, atomically: true, encoding: .utf8)
            let fingerprint = try SSHFixtures.fingerprint(of: "head/ssh_host_ed25519_key.pub")
            try await polls.faultCycle(
                reason: [
                    "refusing the head node 127.0.0.1:2323: its ED25519 host key \(fingerprint) is not in \(knownHosts)",
                    "slurmbot trust-host 127.0.0.1:2323 --via labuser@127.0.0.1:2322",
                ],
                faultyRunner: try LabPolls.runner(knownHosts: knownHosts))
        }

        @Test("changed host key: refused loudly, naming the offending line")
        func changedHostKey() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            let knownHosts = polls.directory.file("known_hosts")
            let bastionKey = try SSHFixtures.publicKey("bastion/ssh_host_ed25519_key.pub")
            let all = try String(contentsOfFile: try Lab.value("LAB_KNOWN_HOSTS"), encoding: .utf8)
            let bastionLine = all.split(separator: "\n").first { $0.hasPrefix("[127.0.0.1]:2322") }!
            try "\(bastionLine)\n[127.0.0.1]:2323 \(bastionKey)\n".write(
                toFile: knownHosts, atomically: true, encoding: .utf8)
            try await polls.faultCycle(
                reason: [
                    "HOST KEY CHANGED: the head node 127.0.0.1:2323 offered the ED25519 host key",
                    "holds another key for it on line 2 (ED25519 \(try SSHFixtures.fingerprint(of: "bastion/ssh_host_ed25519_key.pub")))",
                ],
                faultyRunner: try LabPolls.runner(knownHosts: knownHosts))
        }

        @Test("a command past its deadline (slurmctld hung): stopped at the deadline, recorded")
        func pastDeadline() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            try await polls.faultCycle(
                reason: ["the command did not finish within 4 s", "bytes of output had arrived) and was abandoned"],
                timeout: .seconds(4),
                fault: { try await Lab.run("slurmctld", "pause") },
                recover: { try await Lab.run("slurmctld", "resume") })
        }

        @Test("the head node's connection killed mid-output: nothing partial is stored")
        func killedMidOutput() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            try await polls.faultCycle(
                reason: [
                    "the connection to the head node 127.0.0.1:2323 was lost during the command: the connection was cut after",
                    "bytes of output",
                ],
                fault: { try await Lab.run("slurmctld", "pause") },
                during: { try await SSHFixtures.killSessionsOnceOutputStarts(on: "head") },
                recover: { try await Lab.run("slurmctld", "resume") })
        }

        @Test("the bastion's connection killed mid-output: blamed on the bastion, nothing partial stored")
        func bastionKilledMidOutput() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            try await polls.faultCycle(
                reason: [
                    "the connection to the bastion 127.0.0.1:2322 was lost during the command: the connection was cut after",
                    "bytes of output",
                ],
                fault: { try await Lab.run("slurmctld", "pause") },
                during: { try await SSHFixtures.killSessionsOnceOutputStarts(on: "bastion") },
                recover: { try await Lab.run("slurmctld", "resume") })
        }

        @Test("slurmctld down: Slurm's own error is recorded")
        func slurmctldDown() async throws {
            let polls = try LabPolls()
            defer { polls.directory.remove() }
            try await polls.faultCycle(
                reason: ["nodes", "Unable to contact slurm controller"],
                fault: { try await Lab.run("slurmctld", "stop") },
                recover: { try await Lab.run("slurmctld", "start") })
        }
    }
}
