import Dispatch

/// Runs seconds-long CPU work (a 10,000-row chart in a debug build) on a GCD thread. Tests run on the cooperative
/// pool, one thread per core; work that holds it stalls every other test's timers until their timeouts fire.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
