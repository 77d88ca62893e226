import Charts
import SlurmKit
import Store

/// Turns node timelines into heatmap rows: one per node while they fit, else one per group of nodes.
///
/// Pure: no store, no drawing. A cell is the state that covered most of its bucket (ties go to the more serious
/// state, so a short outage still shows). Past `maximumRows`, nodes are grouped by name prefix within their
/// partition (`gpu[01-64]` → `gpu`), or, if that is still too many, by partition, and a cell becomes the share of
/// busy (allocated or mixed) nodes among those that had data.
enum HeatmapBuilder {
    static let maximumRows = 300

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
        /// How rows were formed: "node", "name prefix" or "partition".
        var rowsAre: String
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
        let order = sectionOrder.filter { bySection[$0] != nil } + (bySection[gone] == nil ? [] : [gone])
        let cells = Dictionary(
            uniqueKeysWithValues: timelines.map {
                ($0.node, Self.cells($0, start: start, bucket: bucket, columns: columns))
            })
        if timelines.count <= maximumRows {
            let sections = order.map { name in
                Heatmap.Section(
                    title: name,
                    rows: bySection[name]!.map { Heatmap.Row(label: $0.node, cells: cells[$0.node]!.map(Self.cell)) })
            }
            return Grid(sections: sections, rowsAre: "node", nodeCount: timelines.count)
        }
        // Group by name prefix within each section; fall back to one row per partition.
        var groups: [(section: String, label: String, nodes: [String])] = []
        for name in order {
            var byPrefix: [String: [String]] = [:]
            var prefixes: [String] = []
            for timeline in bySection[name]! {
                let prefix = Self.prefix(timeline.node)
                if byPrefix[prefix] == nil { prefixes.append(prefix) }
                byPrefix[prefix, default: []].append(timeline.node)
            }
            for prefix in prefixes {
                groups.append((name, "\(prefix)* (\(byPrefix[prefix]!.count))", byPrefix[prefix]!))
            }
        }
        var rowsAre = "name prefix"
        if groups.count > maximumRows {
            groups = order.map { name in (name, "all (\(bySection[name]!.count))", bySection[name]!.map(\.node)) }
            rowsAre = "partition"
        }
        var sections: [Heatmap.Section] = []
        for name in order {
            let rows = groups.filter { $0.section == name }.map { group in
                Heatmap.Row(
                    label: group.label, cells: Self.share(group.nodes.compactMap { cells[$0] }, columns: columns))
            }
            sections.append(Heatmap.Section(title: name, rows: rows))
        }
        return Grid(sections: sections, rowsAre: rowsAre, nodeCount: timelines.count)
    }

    /// The name without its trailing digits: `gpu017` → `gpu`, `c-a3` → `c-a`.
    static func prefix(_ node: String) -> String {
        let trimmed = node.reversed().drop { $0.isNumber }
        return trimmed.isEmpty ? node : String(trimmed.reversed())
    }

    /// Each bucket's category for one node, nil where it has no data.
    static func cells(_ timeline: NodeTimeline, start: Int64, bucket: Int64, columns: Int) -> [NodeCategory?] {
        var covered = [[NodeCategory: Int64]](repeating: [:], count: columns)
        for span in timeline.spans {
            var time = max(span.from, start)
            let end = min(span.until, start + bucket * Int64(columns))
            // A span seen at one instant only (the newest poll) still colours its bucket.
            if end == time && time < start + bucket * Int64(columns) {
                covered[Int((time - start) / bucket)][span.category, default: 0] += 1
                continue
            }
            while time < end {
                let column = Int((time - start) / bucket)
                let columnEnd = min(end, start + Int64(column + 1) * bucket)
                covered[column][span.category, default: 0] += columnEnd - time
                time = columnEnd
            }
        }
        return covered.map { seconds in
            guard let longest = seconds.values.max() else { return nil }
            return severity.first { seconds[$0] == longest }
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
