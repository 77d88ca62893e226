import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The simulated source's notion of now: the wall clock, unless a backfill is stepping through the past.
public final class SimulationClock: Sendable {
    private let override = Mutex<Int64?>(nil)

    public init() {}

    public var now: Int64 {
        override.withLock { $0 } ?? Int64(time(nil))
    }

    /// Pins the clock to `time`; nil returns it to the wall clock.
    public func set(_ time: Int64?) {
        override.withLock { $0 = time }
    }
}
