import Dispatch
import Foundation
import Synchronization
import Testing
import Threads

@Suite("threads of our own for blocking work")
struct ThreadsTests {
    /// More blocked jobs than cores, each released only by a Swift task: on GCD's global queues (which share their
    /// threads with Swift's tasks on Linux) that task would not run until the jobs gave up.
    @Test("blocked work on our threads leaves Swift's tasks free to run")
    func noStarvation() async throws {
        let blockers = 2 * ProcessInfo.processInfo.activeProcessorCount + 2
        let pool = WorkerPool(threads: blockers, name: "t-starve")
        let release = DispatchSemaphore(value: 0)
        let waits = { @Sendable in release.wait(timeout: .now() + 30) == .success }
        async let fromPool = withTaskGroup(of: Bool.self) { group in
            for _ in 0..<blockers { group.addTask { await pool.run(waits) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        async let fromThreads = withTaskGroup(of: Bool.self) { group in
            for _ in 0..<blockers { group.addTask { await onOwnThread(name: "t-starve", waits) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        // This task (and its timer) must get a thread while every job above is blocked.
        try await Task.sleep(for: .milliseconds(200))
        for _ in 0..<(2 * blockers) { release.signal() }
        let released = await fromPool + fromThreads
        #expect(released.count == 2 * blockers && released.allSatisfy { $0 }, "a job gave up waiting for the task")
    }

    @Test("one thread runs jobs in the order they came, on that thread, and passes errors back")
    func order() async throws {
        struct Refused: Error, Equatable {}
        let pool = WorkerPool(threads: 1, name: "t-order")
        let seen = Recorder()
        for index in 0..<50 { pool.runBlocking { seen.add(index, Self.currentThreadName()) } }
        async let last = pool.run { seen.add(50, Self.currentThreadName()) }
        await last
        #expect(seen.values.map(\.0) == Array(0...50))
        #expect(Set(seen.values.map(\.1)) == ["t-order"], "every job ran on the pool's one thread")
        #expect(throws: Refused()) { try pool.runBlocking { () throws(Refused) in throw Refused() } }
        await #expect(throws: Refused()) { try await pool.run { () throws(Refused) in throw Refused() } }
        #expect(pool.runBlocking { 6 * 7 } == 42)
    }

    @Test("a pool's threads end when the pool goes away")
    func threadsEnd() async throws {
        var pool: WorkerPool? = WorkerPool(threads: 3, name: "t-ends")
        _ = await pool?.run { 1 }
        // Each thread names itself when it starts, which may be a moment after the first job ran.
        for _ in 0..<200 where Self.threads(named: "t-ends") < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(Self.threads(named: "t-ends") == 3)
        pool = nil
        for _ in 0..<200 where Self.threads(named: "t-ends") > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(Self.threads(named: "t-ends") == 0)
    }

    /// The calling thread's name as the kernel has it (what `top -H` shows).
    static func currentThreadName() -> String {
        ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// This process's threads whose name starts with `prefix`, from /proc (names are cut to 15 bytes there).
    static func threads(named prefix: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix(prefix)
        }.count
    }
}

/// Collects what jobs on other threads report.
final class Recorder: Sendable {
    private let recorded = Mutex<[(Int, String)]>([])

    func add(_ value: Int, _ thread: String) {
        recorded.withLock { $0.append((value, thread)) }
    }

    var values: [(Int, String)] { recorded.withLock { $0 } }
}
