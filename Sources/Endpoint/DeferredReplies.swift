import Synchronization

/// Replies that went out as "thinking…" and are still being finished, so shutdown can wait for them.
final class DeferredReplies: Sendable {
    private let inFlight = Mutex(0)

    /// Counts the work before it starts, so a reply that finishes at once can never be missed.
    func start(_ work: @escaping @Sendable () async -> Void) {
        inFlight.withLock { $0 += 1 }
        Task {
            await work()
            self.inFlight.withLock { $0 -= 1 }
        }
    }

    var count: Int { inFlight.withLock { $0 } }

    /// Returns when every deferred reply is delivered (or failed), or after `timeout`.
    func waitForAll(timeout: Duration) async {
        let limit = ContinuousClock.now + timeout
        while count > 0 && ContinuousClock.now < limit {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
