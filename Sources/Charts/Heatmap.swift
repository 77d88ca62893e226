public import Foundation

/// One row per node (or per group of nodes), one column per time bucket, coloured by state or by busy share.
///
/// Rows come in sections (partitions), each with a label and a separator. Cells are written straight into the
/// pixel buffer, so thousands of rows cost little; text is drawn only where it stays readable.
public struct Heatmap: Sendable {
    public enum Cell: Sendable, Hashable {
        /// No data: the poller was not running, or the node did not exist yet.
        case none
        /// An index into `legend`.
        case state(Int)
        /// The share of busy nodes in a group, 0…1.
        case share(Double)
    }

    public struct Row: Sendable {
        public var label: String
        public var cells: [Cell]

        public init(label: String, cells: [Cell]) {
            self.label = label
            self.cells = cells
        }
    }

    public struct Section: Sendable {
        public var title: String
        public var rows: [Row]

        public init(title: String, rows: [Row]) {
            self.title = title
            self.rows = rows
        }
    }

    public struct LegendEntry: Sendable {
        public var label: String
        public var color: RGB

        public init(label: String, color: RGB) {
            self.label = label
            self.color = color
        }
    }

    public var title: String
    public var subtitle: String
    public var start: Int64
    public var bucketSeconds: Int64
    public var columns: Int
    public var sections: [Section]
    /// Colours of `.state` cells, by index.
    public var legend: [LegendEntry]
    /// Cells are busy shares: the legend shows the scale instead of states.
    public var showsShareScale: Bool
    public var timeZone: TimeZone
    public var width = 1200

    public init(
        title: String, subtitle: String, start: Int64, bucketSeconds: Int64, columns: Int, sections: [Section],
        legend: [LegendEntry], showsShareScale: Bool = false, timeZone: TimeZone
    ) {
        self.title = title
        self.subtitle = subtitle
        self.start = start
        self.bucketSeconds = bucketSeconds
        self.columns = columns
        self.sections = sections
        self.legend = legend
        self.showsShareScale = showsShareScale
        self.timeZone = timeZone
    }

    static let top = 78.0, bottom = 84.0, right = 24.0, sectionGap = 14.0

    var rowCount: Int { sections.reduce(0) { $0 + $1.rows.count } }

    /// Pixels per row: as tall as readable labels need when there are few rows, down to 2 px for very many.
    var rowHeight: Int {
        let rows = max(1, rowCount)
        return min(18, max(2, 1300 / rows))
    }

    /// Row labels are drawn only when rows are tall enough to read them.
    var showsRowLabels: Bool { rowHeight >= 9 }

    var left: Double { showsRowLabels ? 118 : 96 }

    public var height: Int {
        Int(Self.top + Self.bottom) + rowCount * rowHeight + Int(Self.sectionGap) * sections.count
    }

    public func png() throws(ChartError) -> [UInt8] {
        let canvas = try Canvas(width: width, height: height)
        let plotWidth = Double(width) - left - Self.right
        let plotX = Int(left)
        let pixelWidth = Int(plotWidth)
        canvas.fill(Theme.background, x: 0, y: 0, width: Double(width), height: Double(height))
        canvas.text(title, x: left, y: 34, size: 21, bold: true)
        canvas.text(subtitle, x: left, y: 58, size: 13, color: Theme.mutedText)

        // Each bucket's colour once, then each row's scan line once, copied down the row's height.
        let stateColors = legend.map { $0.color.hex }
        let columnOfPixel = (0..<pixelWidth).map { min(columns - 1, $0 * columns / max(1, pixelWidth)) }
        var rowTops: [(section: Int, y: Int)] = []
        var y = Int(Self.top)
        for (index, section) in sections.enumerated() {
            y += Int(Self.sectionGap)
            rowTops.append((index, y))
            y += section.rows.count * rowHeight
        }
        let gap = rowHeight >= 5 ? 1 : 0
        canvas.withPixels { pixels, stride in
            var line = [UInt32](repeating: 0, count: pixelWidth)
            for (sectionIndex, sectionTop) in rowTops {
                for (rowIndex, row) in sections[sectionIndex].rows.enumerated() {
                    var bucketColors = [UInt32](repeating: Theme.noData.hex, count: columns)
                    for (column, cell) in row.cells.prefix(columns).enumerated() {
                        switch cell {
                        case .none: continue
                        case .state(let index): bucketColors[column] = stateColors[safe: index] ?? Theme.other.hex
                        case .share(let value): bucketColors[column] = Theme.share(value).hex
                        }
                    }
                    for x in 0..<pixelWidth { line[x] = bucketColors[columnOfPixel[x]] }
                    let rowTop = sectionTop + rowIndex * rowHeight
                    for pixelRow in rowTop..<(rowTop + rowHeight - gap) {
                        line.withUnsafeBufferPointer {
                            (pixels + pixelRow * stride + plotX).update(from: $0.baseAddress!, count: pixelWidth)
                        }
                    }
                }
            }
        }

        // Section titles, row labels, time grid.
        for (sectionIndex, sectionTop) in rowTops {
            let section = sections[sectionIndex]
            canvas.text(section.title, x: 12, y: Double(sectionTop) - 3, size: 12, color: Theme.text, bold: true)
            if showsRowLabels {
                for (rowIndex, row) in section.rows.enumerated() {
                    let baseline = Double(sectionTop + rowIndex * rowHeight + rowHeight) - Double(rowHeight - 9) / 2 - 1
                    canvas.text(row.label, x: left - 8, y: baseline, size: 9.5, color: Theme.mutedText, align: .right)
                }
            } else {
                let rows = section.rows.count
                canvas.text(
                    "\(rows) \(rows == 1 ? "row" : "rows")", x: left - 8, y: Double(sectionTop) + 11, size: 10,
                    color: Theme.mutedText, align: .right)
            }
        }
        let end = start + bucketSeconds * Int64(columns)
        let plotBottom = Double(y)
        for tick in TimeTicks.ticks(from: start, to: end, maximum: Int(plotWidth / 90), timeZone: timeZone) {
            let x = left + Double(tick.time - start) / Double(max(1, end - start)) * plotWidth
            canvas.line(
                tick.major ? Theme.text : Theme.mutedText, width: 1, points: [(x, plotBottom + 2), (x, plotBottom + 8)])
            canvas.text(tick.label, x: x, y: plotBottom + 22, size: 12, color: Theme.mutedText, align: .center)
        }

        // Legend.
        var legendX = left
        let legendY = Double(height) - 28
        if showsShareScale {
            legendX += canvas.text("busy share", x: legendX, y: legendY, size: 13) + 12
            for step in 0..<100 {
                canvas.fill(
                    Theme.share(Double(step) / 99), x: legendX + Double(step) * 2, y: legendY - 12, width: 2, height: 14
                )
            }
            canvas.text("0 %", x: legendX, y: legendY + 16, size: 11, color: Theme.mutedText)
            canvas.text("100 %", x: legendX + 200, y: legendY + 16, size: 11, color: Theme.mutedText, align: .right)
            legendX += 224
        } else {
            for entry in legend {
                canvas.fill(entry.color, x: legendX, y: legendY - 11, width: 14, height: 14)
                legendX += 20 + canvas.text(entry.label, x: legendX + 20, y: legendY, size: 13) + 22
            }
        }
        canvas.fill(Theme.noData, x: legendX, y: legendY - 11, width: 14, height: 14)
        canvas.text("no data", x: legendX + 20, y: legendY, size: 13)
        return try canvas.png()
    }
}
