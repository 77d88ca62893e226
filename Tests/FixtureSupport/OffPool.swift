import Threads

/// Runs seconds-long CPU work (a 10,000-row chart in a debug build) or a blocking wait on a thread of its own.
/// Tests run on the cooperative pool, one thread per core; work that holds it stalls every other test's timers
/// until their timeouts fire (and GCD's global queues share those threads on Linux, so they are no way out).
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await onOwnThread(name: "test-work") { () throws(any Error) in try work() }
}
