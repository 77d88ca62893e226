import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads of our own that run submitted jobs in order of submission.
///
/// Blocking work (SQLite, libcurl, cairo) must not run on GCD's global queues: on Linux, Swift's tasks and those
/// queues draw from one pool of about one thread per core, so a few blocked GCD jobs stall every task in the
/// process (a PING waits for a chart; a reply waits for an HTTP call) until they finish. These threads are
/// outside that pool, and the tasks waiting for them are suspended, not blocked.
public final class WorkerPool: Sendable {
    private let queue: JobQueue
    private let threads: Int

    /// `threads` threads named `name` (`name-1`, `name-2`… when several), started now and stopped at deinit.
    public init(threads: Int, name: String) {
        precondition(threads > 0)
        let queue = JobQueue()
        self.queue = queue
        self.threads = threads
        for index in 0..<threads {
            let threadName = threads == 1 ? name : "\(name)-\(index + 1)"
            Thread {
                nameCurrentThread(threadName)
                queue.work()
            }.start()
        }
    }

    deinit {
        for _ in 0..<threads { queue.push(nil) }
    }

    /// Runs `body` on one of the pool's threads; the calling task is suspended meanwhile.
    public func run<T: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> T
    ) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            queue.push { continuation.resume(returning: Result { () throws(Failure) in try body() }) }
        }
        return try result.get()
    }

    /// Runs `body` on one of the pool's threads and blocks the caller until it is done: for synchronous callers
    /// (command-line tools), never from one of the pool's own threads.
    public func runBlocking<T, Failure: Error>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
        try withoutActuallyEscaping(body) { (body) throws(Failure) -> T in
            let exchange = Exchange(body)
            let done = DispatchSemaphore(value: 0)
            queue.push {
                exchange.run()
                done.signal()
            }
            done.wait()
            return try exchange.result()
        }
    }
}

/// Jobs waiting for a thread; `nil` tells one thread to end.
private final class JobQueue: Sendable {
    private let jobs = Mutex<[(@Sendable () -> Void)?]>([])
    private let available = DispatchSemaphore(value: 0)

    func push(_ job: (@Sendable () -> Void)?) {
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    /// A thread's whole life: take the oldest job, run it, until told to end.
    func work() {
        while true {
            available.wait()
            let job = jobs.withLock { $0.removeFirst() }
            guard let job else { return }
            job()
        }
    }
}

/// Carries a synchronous caller's closure to a pool thread and its result back. Sound because the caller is
/// blocked in `runBlocking` until the job is over, so nothing touches either side concurrently. The closure is
/// dropped as soon as it has run: the caller's `withoutActuallyEscaping` checks that no one still holds it.
private final class Exchange<T, Failure: Error>: @unchecked Sendable {
    private var body: (() throws(Failure) -> T)?
    private var outcome: Result<T, Failure>?

    init(_ body: @escaping () throws(Failure) -> T) {
        self.body = body
    }

    func run() {
        if let body { outcome = Result { () throws(Failure) in try body() } }
        body = nil
    }

    func result() throws(Failure) -> T {
        try outcome!.get()
    }
}
