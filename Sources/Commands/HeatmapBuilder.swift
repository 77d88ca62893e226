import Charts
import SlurmKit
import Store

/// Turns node timelines into heatmap rows: one per node while they fit, else one per group of nodes.
///
/// Pure: no store, no drawing. A cell is the state that covered most of its bucket (ties go to the more serious
/// state, so a short outage still shows). Past `maximumRows`, each row is a block of consecutive nodes (in name
/// order, within their partition), about `groupedRows` rows in all so that each is tall enough for its label
/// (`c0001–c0072`), and a cell becomes the share of busy (allocated or mixed) nodes among those that had data,
/// unless one of them was down, drained or draining: then the cell shows that state.
/// Neighbours in name order are usually neighbours in the machine room, so a rack or switch going dark still
/// shows as a dark band.
enum HeatmapBuilder {
    static let maximumRows = 300
    static let groupedRows = 140

    /// The node states' names and colours, in legend order, for `/heatmap` and `/history` alike; `.state(i)` cells
    /// index it.
    static let legend: [(NodeCategory, Heatmap.LegendEntry)] = [
        (.idle, .init(label: "Idle", color: Theme.idle)),
        (.mixed, .init(label: "Mixed", color: Theme.mixed)),
        (.allocated, .init(label: "Allocated", color: Theme.allocated)),
        (.draining, .init(label: "Draining", color: Theme.draining)),
        (.drained, .init(label: "Down/drained", color: Theme.downDrained)),
        (.reserved, .init(label: "Reserved/maint", color: Theme.reserved)),
        (.other, .init(label: "Other", color: Theme.other)),
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
        var scratch = Scratch()
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
        var scratch = Scratch()
        return cells(timeline, start: start, bucket: bucket, columns: columns, scratch: &scratch)
    }

    /// Seconds per (column, category) for the columns a node's spans only partly cover, reused from node to node.
    struct Scratch {
        var seconds: [Int64] = []
        /// Columns whose `seconds` are in use for the current node, in the order first touched.
        var touched: [Int] = []
        var isTouched: [Bool] = []
    }

    /// Runs for every node and column of the chart, so the common case is cheap: a column one span covers whole
    /// takes its category directly; only columns where states change are tallied.
    static func cells(
        _ timeline: NodeTimeline, start: Int64, bucket: Int64, columns: Int, scratch: inout Scratch
    ) -> [NodeCategory?] {
        let kinds = severity.count
        if scratch.isTouched.count != columns {
            scratch = Scratch(
                seconds: [Int64](repeating: 0, count: columns * kinds), touched: [],
                isTouched: [Bool](repeating: false, count: columns))
        }
        var result = [NodeCategory?](repeating: nil, count: columns)
        func tally(_ column: Int, _ slot: Int, _ seconds: Int64) {
            if !scratch.isTouched[column] {
                scratch.isTouched[column] = true
                scratch.touched.append(column)
            }
            scratch.seconds[column * kinds + slot] += seconds
        }
        let windowEnd = start + bucket * Int64(columns)
        for span in timeline.spans {
            guard let slot = severity.firstIndex(of: span.category) else { continue }
            var time = max(span.from, start)
            let end = min(span.until, windowEnd)
            // A span seen at one instant only (the newest poll) still colours its bucket.
            if end == time && time < windowEnd {
                tally(Int((time - start) / bucket), slot, 1)
                continue
            }
            while time < end {
                let column = Int((time - start) / bucket)
                let columnStart = start + Int64(column) * bucket
                let segmentEnd = min(end, columnStart + bucket)
                if time == columnStart && segmentEnd == columnStart + bucket && !scratch.isTouched[column] {
                    result[column] = span.category
                } else {
                    tally(column, slot, segmentEnd - time)
                }
                time = segmentEnd
            }
        }
        for column in scratch.touched {
            // A whole-column span and a tally can meet only at an instant; count the whole span too.
            if let whole = result[column], let slot = severity.firstIndex(of: whole) {
                scratch.seconds[column * kinds + slot] += bucket
            }
            var best: Int?
            var longest: Int64 = 0
            // Strictly longer only: on a tie the earlier, more serious category stays.
            for slot in 0..<kinds {
                let seconds = scratch.seconds[column * kinds + slot]
                if seconds > longest {
                    longest = seconds
                    best = slot
                }
                scratch.seconds[column * kinds + slot] = 0
            }
            result[column] = best.map { severity[$0] }
            scratch.isTouched[column] = false
        }
        scratch.touched.removeAll(keepingCapacity: true)
        return result
    }

    static func cell(_ category: NodeCategory?) -> Heatmap.Cell {
        category.map { .state(legendIndex($0)) } ?? .none
    }

    /// Per bucket: down/drained when any node of the block was, else draining when any was (a stuck node is never
    /// averaged away), else the busy share among the nodes that had data then.
    static func share(_ nodes: [[NodeCategory?]], columns: Int) -> [Heatmap.Cell] {
        (0..<columns).map { column in
            var known = 0
            var busy = 0
            var stuck: NodeCategory?
            for node in nodes {
                guard let category = node[column] else { continue }
                known += 1
                switch category {
                case .allocated, .mixed: busy += 1
                case .down, .drained: stuck = .drained
                case .draining where stuck == nil: stuck = .draining
                default: break
                }
            }
            if let stuck { return .state(legendIndex(stuck)) }
            return known == 0 ? .none : .share(Double(busy) / Double(known))
        }
    }
}
