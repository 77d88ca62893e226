import Foundation

/// Runs `body` on a new thread of its own and suspends the calling task until it is done.
///
/// For blocking work that may take seconds (an SSH command, a child process): one thread per call, so long
/// waits never queue behind one another, and never on GCD's global queues, which on Linux share their threads
/// with Swift's tasks (see `WorkerPool`).
public func onOwnThread<T: Sendable, Failure: Error>(
    name: String, _ body: @escaping @Sendable () throws(Failure) -> T
) async throws(Failure) -> T {
    let result: Result<T, Failure> = await withCheckedContinuation { continuation in
        Thread {
            nameCurrentThread(name)
            continuation.resume(returning: Result { () throws(Failure) in try body() })
        }.start()
    }
    return try result.get()
}
