import Dispatch

/// A chart that draws itself to PNG bytes.
public protocol PNGChart: Sendable {
    func png() throws(ChartError) -> [UInt8]
}

extension Heatmap: PNGChart {}
extension StackedAreaChart: PNGChart {}

extension PNGChart {
    /// Draws on a GCD thread rather than the caller's. A big chart takes tens of milliseconds; on the cooperative
    /// pool (one thread per core) that would hold up every PING and text command behind it.
    public func renderedPNG() async throws(ChartError) -> [UInt8] {
        let result: Result<[UInt8], ChartError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Result { () throws(ChartError) in try self.png() })
            }
        }
        return try result.get()
    }
}
