public import Foundation
import Remote
public import SimulatedRunner

/// Fills past history from the simulated cluster: one poll per interval from `hours` ago up to now.
///
/// It goes through the same script, parser and store as live polls; only the simulated clock is stepped.
public struct Backfill: Sendable {
    public let poller: Poller
    public let clock: SimulationClock
    public let hours: Int
    public let interval: Int

    public init(poller: Poller, clock: SimulationClock, hours: Int, interval: Int) {
        self.poller = poller
        self.clock = clock
        self.hours = hours
        self.interval = interval
    }

    public struct Result: Sendable {
        public var stored = 0
        public var failed = 0
        public var seconds = 0.0
    }

    /// - Parameter progress: called with a line of progress about every 10 %.
    public func run(until end: Int64 = Int64(Date().timeIntervalSince1970), progress: ((String) -> Void)? = nil)
        async throws -> Result
    {
        let start = end - Int64(hours) * 3600
        let steps = Int((end - start) / Int64(interval)) + 1
        var result = Result()
        let began = ContinuousClock.now
        defer { clock.set(nil) }
        for step in 0..<steps {
            let time = start + Int64(step) * Int64(interval)
            clock.set(time)
            if try await poller.pollOnce(now: time, deliver: false).succeeded {
                result.stored += 1
            } else {
                result.failed += 1
            }
            if let progress, (step + 1) % max(1, steps / 10) == 0 {
                progress("\((step + 1) * 100 / steps)% (\(step + 1)/\(steps) polls)")
            }
        }
        let elapsed = ContinuousClock.now - began
        result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        progress?(
            "\(result.stored) polls stored, \(result.failed) failed, in \(String(format: "%.1f", result.seconds)) s")
        return result
    }
}
