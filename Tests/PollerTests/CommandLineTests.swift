import FixtureSupport
import Foundation
import Testing

@testable import Poller
@testable import Store

@Suite("slurmbot-poller and slurmbot, run as a user runs them", .serialized)
struct CommandLineTests {
    @Test("--help documents every option and the exit codes")
    func help() async throws {
        let result = try await Products.run("slurmbot-poller", ["--help"])
        #expect(result.status == 0)
        for option in [
            "--source", "--db", "--cluster", "--every", "--loop", "--backfill", "--interval", "--timeout",
            "Exit status",
        ] {
            #expect(result.stdout.contains(option), "missing \(option)")
        }
    }

    @Test("poll-script prints the exact command a poll runs, and refuses an unsafe nonce")
    func pollScript() async throws {
        let result = try await Products.run("slurmbot", ["poll-script", "--nonce", "abc1"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("m='@@slurmbot:abc1@@'"))
        #expect(result.stdout.contains("section nodes scontrol -o -d show node"))
        let bad = try await Products.run("slurmbot", ["poll-script", "--nonce", "a'; rm -rf /; '"])
        #expect(bad.status != 0 && bad.stderr.contains("letters and digits only"))
    }

    @Test("a fixture poll stores, a repeat adds no interval rows, and status reads it back")
    func fixturePoll() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("data/x.db")
        let arguments = ["--source", "fixture:" + Fixtures.path("lab-22.05"), "--db", db, "--cluster", "lab"]
        #expect(try await Products.run("slurmbot-poller", arguments).status == 0)
        #expect(try await Products.run("slurmbot-poller", arguments).status == 0)
        let database = try Database(path: db, readOnly: true)
        try database.sync { connection throws in
            #expect(try connection.scalar("SELECT count(*) FROM node_intervals").int64 == 11)
            #expect(try connection.scalar("SELECT count(*) FROM polls WHERE ok = 1").int64 == 2)
        }
        let status = try await Products.run(
            "slurmbot", ["status", "--db", db], environment: ["SLURMBOT_TIMEZONE": "UTC"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("Cluster lab, as of 2026-11-24 19:41 "))
        #expect(status.stdout.contains("n4  IDLE+DRAIN: lab: bad DIMM (by root since Tue 19:40)"))
        #expect(status.stdout.contains("debug*"))
        #expect(status.stdout.contains("13 jobs waiting:"), "12_[3-6%2] is four")
    }

    @Test("settings come from the environment when flags are absent")
    func environment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("env.db")
        let result = try await Products.run(
            "slurmbot-poller", [],
            environment: [
                "SLURM_SOURCE": "fixture:" + Fixtures.path("lab-22.05"), "SLURMBOT_DB": db, "SLURMBOT_CLUSTER": "envc",
            ])
        #expect(result.status == 0)
        #expect(try Database(path: db, readOnly: true).sync { try $0.clusters() } == ["envc"])
    }

    @Test("a failed poll is recorded and the exit status says so")
    func failedPoll() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("f.db")
        let result = try await Products.run("slurmbot-poller", ["--source", "fixture:/nonexistent", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("fixture directory /nonexistent does not exist"))
        let latest = try Database(path: db, readOnly: true).sync { try $0.latestPoll(cluster: "default") }
        #expect(latest?.ok == false)
        let status = try await Products.run("slurmbot", ["status", "--db", db])
        #expect(status.stdout.contains("no successful poll yet"))
    }

    @Test("bad usage exits 2 with a clear message")
    func usage() async throws {
        let ssh = try await Products.run("slurmbot-poller", ["--source", "ssh", "--db", "/tmp/never.db"])
        #expect(ssh.status == 2 && ssh.stderr.contains("SLURM_SSH_HOST is not set"))
        let port = try await Products.run(
            "slurmbot-poller", ["--db", "/tmp/never.db"],
            environment: ["SLURM_SSH_HOST": "head", "SLURM_SSH_PASSWORD": "pw", "SLURM_SSH_PORT": "ssh"])
        #expect(
            port.status == 2 && port.stderr.contains("SLURM_SSH_PORT must be a port number from 1 to 65535, got 'ssh'"))
        let unknown = try await Products.run("slurmbot-poller", ["--source", "carrier-pigeon"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown source 'carrier-pigeon'; use ssh, local"))
        let backfill = try await Products.run("slurmbot-poller", ["--source", "fixture:/x", "--backfill", "2"])
        #expect(backfill.status == 2 && backfill.stderr.contains("--backfill needs --source simulated"))
    }

    @Test("--loop polls every CHECK_INTERVAL seconds until stopped")
    func loop() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("loop.db")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Products.path("slurmbot-poller")))
        process.arguments = ["--loop", "--quiet", "--source", "simulated", "--db", db]
        process.environment = ["CHECK_INTERVAL": "1", "SLURMBOT_ENV_FILE": "/dev/null"]
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var polls = 0
        for _ in 0..<150 where polls < 3 {
            try await Task.sleep(for: .milliseconds(100))
            if FileManager.default.fileExists(atPath: db) {
                polls =
                    (try? Database(path: db, readOnly: true).sync {
                        try $0.recentPolls(cluster: "default", limit: 10).count
                    }) ?? 0
            }
        }
        #expect(polls >= 3)
        #expect(process.isRunning)
    }

    @Test("a second poller exits 75 while the first holds the lock")
    func lock() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("l.db")
        let held = try PollLock(path: db + ".lock")
        let result = try await Products.run("slurmbot-poller", ["--source", "simulated", "--db", db])
        #expect(result.status == 75)
        #expect(result.stderr.contains("another poller holds"))
        withExtendedLifetime(held) {}
    }

    @Test("a simulated backfill fills the history with progress output")
    func backfill() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let db = directory.file("b.db")
        let result = try await Products.run(
            "slurmbot-poller", ["--source", "simulated", "--db", db, "--backfill", "3", "--interval", "600"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("backfill: 19 polls stored, 0 failed"))
        #expect(
            try Database(path: db, readOnly: true).sync { try $0.recentPolls(cluster: "default", limit: 100).count }
                == 19)
    }
}
