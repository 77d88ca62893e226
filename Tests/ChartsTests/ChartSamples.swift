import Foundation

@testable import Charts

/// Charts from synthetic data: a day of a 60-node cluster with a gap, and a heatmap with states.
enum ChartSamples {
    static let utc = TimeZone(identifier: "UTC")!
    static let start: Int64 = 1_795_478_400  // 2026-11-24 00:00 UTC

    static func area(gapAt gap: Range<Int>? = 100..<112) -> StackedAreaChart {
        var times: [Int64] = []
        var idle: [Double] = [], mixed: [Double] = [], allocated: [Double] = [], down: [Double] = [],
            other: [Double] = []
        for index in 0..<288 where !(gap?.contains(index) ?? false) {
            let wave = (sin(Double(index) / 30) + 1) / 2
            times.append(start + Int64(index) * 300)
            allocated.append(20 + 15 * wave)
            mixed.append(18 - 8 * wave)
            down.append(index > 200 && index < 230 ? 3 : 1)
            other.append(1)
            idle.append(60 - (20 + 15 * wave) - (18 - 8 * wave) - (index > 200 && index < 230 ? 3 : 1) - 1)
        }
        return StackedAreaChart(
            title: "Nodes, cluster demo", subtitle: "last 24 h, 5 min buckets · as of Wed 00:00 UTC", times: times,
            bucketSeconds: 300, from: start, to: start + 86_400,
            layers: [
                .init(label: "Allocated", color: Theme.allocated, values: allocated),
                .init(label: "Mixed", color: Theme.mixed, values: mixed),
                .init(label: "Idle", color: Theme.idle, values: idle),
                .init(label: "Down/Drained", color: Theme.downDrained, values: down),
                .init(label: "Other", color: Theme.other, values: other),
            ], capacity: times.map { _ in 60 }, unit: "nodes", timeZone: utc)
    }

    static let stateLegend: [Heatmap.LegendEntry] = [
        .init(label: "idle", color: Theme.idle), .init(label: "mixed", color: Theme.mixed),
        .init(label: "allocated", color: Theme.allocated), .init(label: "draining", color: Theme.draining),
        .init(label: "down/drained", color: Theme.downDrained), .init(label: "reserved", color: Theme.reserved),
        .init(label: "other", color: Theme.other),
    ]

    static func heatmap(nodes: Int = 24) -> Heatmap {
        let rows = (1...nodes).map { node in
            Heatmap.Row(
                label: "c\(node)",
                cells: (0..<288).map { column in
                    if column < 10 { return .none }
                    if node == 3 && column > 100 { return .state(4) }
                    if node == 7 { return .state(column / 12 % 2 == 0 ? 0 : 4) }
                    return .state((node + column / 40) % 3)
                })
        }
        return Heatmap(
            title: "Node states, cluster demo", subtitle: "last 24 h, 5 min per column", start: start,
            bucketSeconds: 300,
            columns: 288,
            sections: [
                .init(title: "cpu", rows: Array(rows.prefix(nodes / 2))),
                .init(title: "gpu", rows: Array(rows.dropFirst(nodes / 2))),
            ],
            legend: stateLegend, timeZone: utc)
    }
}
