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
    /// The snapshot's time, marked "now" (nil: no marker).
    public var now: Int64?
    public var width = 1200

    public init(
        title: String, subtitle: String, start: Int64, bucketSeconds: Int64, columns: Int, sections: [Section],
        legend: [LegendEntry], showsShareScale: Bool = false, timeZone: TimeZone, now: Int64? = nil
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
        self.now = now
    }

    static let top = 130.0, bottom = 230.0, right = 28.0, sectionGap = 52.0

    var rowCount: Int { sections.reduce(0) { $0 + $1.rows.count } }

    /// Pixels per row: as tall as a phone needs to tell rows apart when there are few, down to 2 px for very many.
    var rowHeight: Int {
        let rows = max(1, rowCount)
        return min(24, max(2, 1300 / rows))
    }

    /// Every how many rows a label is drawn, so labels at phone size never overlap (every row when rows are tall).
    var labelEvery: Int {
        max(1, Int((PhoneType.label * 1.15 / Double(rowHeight)).rounded(.up)))
    }

    /// The widest row label, measured at the size it is drawn.
    func labelWidth(_ canvas: Canvas) -> Double {
        sections.flatMap(\.rows).enumerated().filter { $0.offset % labelEvery == 0 }.prefix(400)
            .map { canvas.textWidth($0.element.label, size: PhoneType.label) }.max() ?? 0
    }

    public var height: Int {
        Int(Self.top + Self.bottom) + rowCount * rowHeight + Int(Self.sectionGap) * sections.count
    }

    /// Where the cells start: after the widest label drawn.
    var left: Double {
        (try? Canvas(width: 1, height: 1)).map { min(360, max(90, labelWidth($0) + 24)) } ?? 120
    }

    public func png() throws(ChartError) -> [UInt8] {
        let canvas = try Canvas(width: width, height: height)
        let left = min(360, max(90, labelWidth(canvas) + 24))
        let plotWidth = Double(width) - left - Self.right
        let plotX = Int(left)
        let pixelWidth = Int(plotWidth)
        canvas.fill(Theme.background, x: 0, y: 0, width: Double(width), height: Double(height))
        canvas.text(title, x: 24, y: 54, size: PhoneType.title, bold: true)
        canvas.text(subtitle, x: 24, y: 98, size: PhoneType.subtitle, color: Theme.mutedText)

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

        // Section titles, row labels (every `labelEvery`-th), time grid.
        for (sectionIndex, sectionTop) in rowTops {
            let section = sections[sectionIndex]
            canvas.text(
                section.title + "  (\(section.rows.count) \(section.rows.count == 1 ? "row" : "rows"))", x: 24,
                y: Double(sectionTop) - 10, size: PhoneType.label, color: Theme.text, bold: true)
            for (rowIndex, row) in section.rows.enumerated() where rowIndex % labelEvery == 0 {
                let middle = Double(sectionTop + rowIndex * rowHeight) + Double(rowHeight) / 2
                canvas.text(
                    row.label, x: left - 10, y: middle + PhoneType.label * 0.35, size: PhoneType.label,
                    color: Theme.mutedText, align: .right)
            }
        }
        let end = start + bucketSeconds * Int64(columns)
        let plotBottom = Double(y)
        let plotTop = Double(rowTops.first?.y ?? Int(Self.top))
        for tick in TimeTicks.ticks(from: start, to: end, maximum: Int(plotWidth / 240), timeZone: timeZone) {
            let x = left + Double(tick.time - start) / Double(max(1, end - start)) * plotWidth
            canvas.line(
                tick.major ? Theme.text : Theme.mutedText, width: 2,
                points: [(x, plotBottom + 2), (x, plotBottom + 12)])
            canvas.text(
                tick.label, x: x, y: plotBottom + 50, size: PhoneType.label, color: Theme.mutedText, align: .center)
        }
        if let now, now >= start, now <= end {
            let x = left + Double(now - start) / Double(max(1, end - start)) * plotWidth
            canvas.line(Theme.capacity, width: 2, points: [(x, plotTop - 6), (x, plotBottom + 12)])
            canvas.text("now", x: x, y: plotTop - 12, size: PhoneType.label, color: Theme.capacity, align: .right)
        }

        // Legend: the states (every grouped cell with a stuck node is drawn in its state's colour), then the busy
        // share of grouped rows, from idle's colour to allocated's.
        var items = legend.map { LegendItem(label: $0.label, color: $0.color) }
        items.append(LegendItem(label: "No data", color: Theme.noData))
        let last = canvas.legend(items, x: 24, y: plotBottom + 110, maxX: Double(width) - Self.right)
        if showsShareScale {
            let y = last + PhoneType.label * 1.6
            var x = 24 + canvas.text("blocks: busy share 0 %", x: 24, y: y, size: PhoneType.label) + 12
            for step in 0..<100 {
                canvas.fill(Theme.share(Double(step) / 99), x: x + Double(step) * 3, y: y - 26, width: 3, height: 30)
            }
            x += 312
            canvas.text("100 %", x: x, y: y, size: PhoneType.label)
        }
        return try canvas.png()
    }
}
