import Charts
import SlurmKit
import Store

/// Turns node timelines into heatmap rows: one per node while they fit, else one per group of nodes.
///
/// Pure: no store, no drawing. A cell is the state that covered most of its bucket (ties go to the more serious
/// state, so a short outage still shows). Past `maximumRows`, each row is a block of consecutive nodes (in name
/// order, within their partition), about `groupedRows` rows in all so that each is tall enough for its label
/// (`c0001–c0072`), and a cell becomes the share of busy (allocated or mixed) nodes among those that had data.
/// Neighbours in name order are usually neighbours in the machine room, so a rack or switch going dark still
/// shows as a dark band.
enum HeatmapBuilder {
    static let maximumRows = 300
    static let groupedRows = 140

    /// The legend order; `.state(i)` cells index it.
    static let legend: [(NodeCategory, Heatmap.LegendEntry)] = [
        (.idle, .init(label: "idle", color: Theme.idle)),
        (.mixed, .init(label: "mixed", color: Theme.mixed)),
        (.allocated, .init(label: "allocated", color: Theme.allocated)),
        (.draining, .init(label: "draining", color: Theme.draining)),
        (.drained, .init(label: "down/drained", color: Theme.downDrained)),
        (.reserved, .init(label: "reserved/maint", color: Theme.reserved)),
        (.other, .init(label: "other", color: Theme.other)),
    ]

    /// Index in `legend` of a category (down shares drained's colour: both mean "not usable").
    static func legendIndex(_ category: NodeCategory) -> Int {
        switch category {
        case .idle: 0
        case .mixed: 1
        case .allocated: 2
        case .draining: 3
        case .drained, .down: 4
        case .reserved: 5
        case .other: 6
        }
    }

    /// More serious first, for ties.
    static let severity: [NodeCategory] = [.down, .drained, .draining, .reserved, .allocated, .mixed, .other, .idle]

    struct Grid {
        var sections: [Heatmap.Section]
        /// At most this many nodes in a row: 1 when every node has its own.
        var nodesPerRow: Int
        var nodeCount: Int
    }

    /// - Parameters:
    ///   - partitionOf: each current node's partition (its first), in the order sections should appear.
    ///   - sectionOrder: partition names in Slurm's order; nodes no longer in Slurm go last.
    static func grid(
        _ timelines: [NodeTimeline], partitionOf: [String: String], sectionOrder: [String], start: Int64, bucket: Int64,
        columns: Int
    ) -> Grid {
        let gone = "no longer in Slurm"
        var bySection: [String: [NodeTimeline]] = [:]
        for timeline in timelines { bySection[partitionOf[timeline.node] ?? gone, default: []].append(timeline) }
        for name in bySection.keys { bySection[name]!.sort { naturalLess($0.node, $1.node) } }
        let order = sectionOrder.filter { bySection[$0] != nil } + (bySection[gone] == nil ? [] : [gone])
        var scratch: [Int64] = []
        if timelines.count <= maximumRows {
            let sections = order.map { name in
                Heatmap.Section(
                    title: name,
                    rows: bySection[name]!.map { timeline in
                        Heatmap.Row(
                            label: timeline.node,
                            cells: Self.cells(
                                timeline, start: start, bucket: bucket, columns: columns, scratch: &scratch
                            ).map(Self.cell))
                    })
            }
            return Grid(sections: sections, nodesPerRow: 1, nodeCount: timelines.count)
        }
        let perRow = (timelines.count + groupedRows - 1) / groupedRows
        let sections = order.map { name in
            let nodes = bySection[name]!
            let rows = stride(from: 0, to: nodes.count, by: perRow).map { first in
                let block = nodes[first..<min(first + perRow, nodes.count)]
                let label = block.count == 1 ? block.first!.node : "\(block.first!.node)–\(block.last!.node)"
                let cells = block.map {
                    Self.cells($0, start: start, bucket: bucket, columns: columns, scratch: &scratch)
                }
                return Heatmap.Row(label: label, cells: Self.share(cells, columns: columns))
            }
            return Heatmap.Section(title: name, rows: rows)
        }
        return Grid(sections: sections, nodesPerRow: perRow, nodeCount: timelines.count)
    }

    /// Each bucket's category for one node, nil where it has no data.
    static func cells(_ timeline: NodeTimeline, start: Int64, bucket: Int64, columns: Int) -> [NodeCategory?] {
        var scratch: [Int64] = []
        return cells(timeline, start: start, bucket: bucket, columns: columns, scratch: &scratch)
    }

    /// - Parameter covered: seconds per (column, category), flat, reused from node to node: this runs for every
    ///   node and column of the chart.
    static func cells(
        _ timeline: NodeTimeline, start: Int64, bucket: Int64, columns: Int, scratch covered: inout [Int64]
    ) -> [NodeCategory?] {
        let kinds = severity.count
        if covered.count == columns * kinds {
            covered.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            covered = [Int64](repeating: 0, count: columns * kinds)
        }
        let windowEnd = start + bucket * Int64(columns)
        for span in timeline.spans {
            guard let slot = severity.firstIndex(of: span.category) else { continue }
            var time = max(span.from, start)
            let end = min(span.until, windowEnd)
            // A span seen at one instant only (the newest poll) still colours its bucket.
            if end == time && time < windowEnd {
                covered[Int((time - start) / bucket) * kinds + slot] += 1
                continue
            }
            while time < end {
                let column = Int((time - start) / bucket)
                let columnEnd = min(end, start + Int64(column + 1) * bucket)
                covered[column * kinds + slot] += columnEnd - time
                time = columnEnd
            }
        }
        return (0..<columns).map { column in
            var best: Int?
            var longest: Int64 = 0
            // Strictly longer only: on a tie the earlier, more serious category stays.
            for slot in 0..<kinds where covered[column * kinds + slot] > longest {
                longest = covered[column * kinds + slot]
                best = slot
            }
            return best.map { severity[$0] }
        }
    }

    static func cell(_ category: NodeCategory?) -> Heatmap.Cell {
        category.map { .state(legendIndex($0)) } ?? .none
    }

    /// Busy share per bucket among the nodes that had data then.
    static func share(_ nodes: [[NodeCategory?]], columns: Int) -> [Heatmap.Cell] {
        (0..<columns).map { column in
            var known = 0
            var busy = 0
            for node in nodes {
                guard let category = node[column] else { continue }
                known += 1
                if category == .allocated || category == .mixed { busy += 1 }
            }
            return known == 0 ? .none : .share(Double(busy) / Double(known))
        }
    }
}
