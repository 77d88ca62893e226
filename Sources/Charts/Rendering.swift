import Foundation
import Threads

/// A chart that draws itself to PNG bytes.
public protocol PNGChart: Sendable {
    func png() throws(ChartError) -> [UInt8]
}

extension Heatmap: PNGChart {}
extension StackedAreaChart: PNGChart {}

/// One drawing thread per core: renders beyond that wait their turn (suspended, holding no thread), which keeps
/// a burst of `/heatmap` requests from taking more memory and CPU than the machine has.
private let drawing = WorkerPool(threads: max(1, ProcessInfo.processInfo.activeProcessorCount), name: "slurmbot-chart")

extension PNGChart {
    /// Draws on a drawing thread rather than the caller's. A big chart takes tens of milliseconds; on the
    /// cooperative pool (one thread per core), or on GCD's global queues that share it, that would hold up every
    /// PING and text command behind it.
    public func renderedPNG() async throws(ChartError) -> [UInt8] {
        try await drawing.run { () throws(ChartError) in try self.png() }
    }
}
