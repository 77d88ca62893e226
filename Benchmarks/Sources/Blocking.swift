import Charts
import Dispatch
import Foundation

/// How late a Swift task wakes while charts are drawn beside it: drawn on GCD's global queues (what the server
/// did), then on the chart threads (`renderedPNG`). On Linux, GCD's global queues and Swift's tasks share one
/// pool of about a thread per core, so every PING, signature check and text command waits behind the drawing.
func blockingBenchmark() async throws {
    let chart = Heatmap(
        title: "bench", subtitle: "", start: 0, bucketSeconds: 300, columns: 288,
        sections: [
            Heatmap.Section(
                title: "batch",
                rows: (0..<300).map { row in
                    Heatmap.Row(label: "n\(row)", cells: (0..<288).map { .state(($0 / 7 + row) % 4) })
                })
        ],
        legend: ["Idle", "Mixed", "Allocated", "Down"].enumerated().map {
            Heatmap.LegendEntry(label: $1, color: RGB(hex: [0x3B82F6, 0x22C55E, 0xF59E0B, 0xEF4444][$0]))
        }, timeZone: TimeZone(identifier: "UTC")!)
    let one = time { _ = try? chart.png() }
    let drawers = 2 * nproc()
    print(
        "task wake-up delay (asked: 2 ms) while \(drawers) tasks draw \(ms(one)) charts back to back for 4 s "
            + "(\(nproc()) cores):")
    for (name, draw) in [
        (
            "GCD global queue",
            { @Sendable () async -> Void in
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().async {
                        _ = try? chart.png()
                        continuation.resume()
                    }
                }
            }
        ),
        ("chart threads", { @Sendable () async -> Void in _ = try? await chart.renderedPNG() }),
    ] {
        let until = ContinuousClock.now + .seconds(4)
        let delays = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<drawers {
                group.addTask {
                    while ContinuousClock.now < until { await draw() }
                    return []
                }
            }
            group.addTask {
                var delays: [Double] = []
                while ContinuousClock.now < until {
                    let start = ContinuousClock.now
                    try? await Task.sleep(for: .milliseconds(2))
                    let late = ContinuousClock.now - start - .milliseconds(2)
                    delays.append(Double(late.components.attoseconds) / 1e18 + Double(late.components.seconds))
                }
                return delays
            }
            return await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let p99 = delays[min(delays.count - 1, delays.count * 99 / 100)]
        print(
            "  " + name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(
                    format: "wake-ups %5d   median %7.2f ms   p99 %7.2f ms   max %7.2f ms", delays.count,
                    median(delays) * 1000, p99 * 1000, (delays.last ?? 0) * 1000))
    }
}
