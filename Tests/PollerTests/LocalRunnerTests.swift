import Foundation
import Testing
import Threads

@testable import Remote

@Suite("running the poll command on this machine")
struct LocalRunnerTests {
    @Test("stdout, stderr and exit status come back separately")
    func basics() async throws {
        let output = try await LocalRunner().run("echo out; echo err >&2; exit 3", timeout: .seconds(10))
        #expect(output == CommandOutput(stdout: "out\n", stderr: "err\n", status: 3))
    }

    @Test("tens of MB of output arrive whole")
    func largeOutput() async throws {
        let output = try await LocalRunner().run(
            "head -c 30000000 /dev/zero | tr '\\0' 'x'; echo; head -c 1000000 /dev/zero | tr '\\0' 'e' >&2",
            timeout: .seconds(60))
        #expect(output.stdout.utf8.count == 30_000_001)
        #expect(output.stderr.utf8.count == 1_000_000)
    }

    @Test("a command past its deadline is stopped with everything it started")
    func timeout() async throws {
        let marker = NSTemporaryDirectory() + "slurmbot-timeout-\(UUID().uuidString)"
        let started = ContinuousClock.now
        await #expect(throws: RemoteError.timedOut(seconds: 0.5)) {
            try await LocalRunner().run("sleep 30 & echo $! > \(marker); wait", timeout: .milliseconds(500))
        }
        // Far below the sleep's 30 s, with room for a machine busy running every other test.
        #expect(ContinuousClock.now - started < .seconds(20))
        let pid = try #require(
            Int32(String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await Task.sleep(for: .milliseconds(300))
        // Gone, or a zombie waiting for PID 1 to reap it (which is slow in some containers).
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        #expect(stat.isEmpty || state == "Z", "the background sleep should be gone, found: \(stat)")
        try? FileManager.default.removeItem(atPath: marker)
    }

    @Test("the environment can be replaced")
    func environment() async throws {
        let output = try await LocalRunner(environment: ["GREETING": "hi"]).run(
            "echo $GREETING; echo ${HOME:-none}", timeout: .seconds(5))
        #expect(output.stdout == "hi\nnone\n")
    }

    @Test("concurrent commands of different lengths: a short one ends at once, not when a long one does")
    func concurrentPipes() async throws {
        // Each long command's shell is spawned while short ones have their pipes open; without close-on-exec
        // pipes, it inherits their write ends and their reads wait the 3 s of its sleep. Each is timed on the
        // thread that runs it, so a busy test process resuming the tasks late cannot pass for that wait.
        let shortTimes = await withTaskGroup(of: Duration?.self) { group in
            for index in 0..<12 {
                group.addTask {
                    await onOwnThread(name: "local-\(index)") {
                        let started = ContinuousClock.now
                        let long = index % 2 == 0
                        _ = try? LocalRunner.runBlocking(
                            long ? "sleep 3" : "echo short", timeout: .seconds(20), environment: nil)
                        return long ? nil : ContinuousClock.now - started
                    }
                }
            }
            return await group.compactMap { $0 }.reduce(into: [Duration]()) { $0.append($1) }
        }
        #expect(shortTimes.count == 6)
        #expect(shortTimes.allSatisfy { $0 < .milliseconds(2500) }, "short commands took \(shortTimes)")
    }
}
