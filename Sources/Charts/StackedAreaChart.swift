public import Foundation

/// Capacity against use over time: layers stacked from the bottom, an optional capacity line on top.
///
/// Buckets the series leaves out (the poller was not running) are drawn as gaps, not as zeros.
public struct StackedAreaChart: Sendable {
    public struct Layer: Sendable {
        public var label: String
        public var color: RGB
        public var values: [Double]

        public init(label: String, color: RGB, values: [Double]) {
            self.label = label
            self.color = color
            self.values = values
        }
    }

    public var title: String
    public var subtitle: String
    /// Start of each bucket, ascending.
    public var times: [Int64]
    public var bucketSeconds: Int64
    /// The window shown, whatever the data covers.
    public var from: Int64
    public var to: Int64
    public var layers: [Layer]
    public var capacity: [Double]?
    public var capacityLabel: String
    public var unit: String
    public var timeZone: TimeZone
    /// The snapshot's time, marked "now" (nil: no marker).
    public var now: Int64?
    public var width = 1200
    public var height = 820

    public init(
        title: String, subtitle: String, times: [Int64], bucketSeconds: Int64, from: Int64, to: Int64, layers: [Layer],
        capacity: [Double]? = nil, capacityLabel: String = "capacity", unit: String, timeZone: TimeZone,
        now: Int64? = nil
    ) {
        self.title = title
        self.subtitle = subtitle
        self.times = times
        self.bucketSeconds = bucketSeconds
        self.from = from
        self.to = to
        self.layers = layers
        self.capacity = capacity
        self.capacityLabel = capacityLabel
        self.unit = unit
        self.timeZone = timeZone
        self.now = now
    }

    static let left = 124.0, right = 40.0, top = 176.0, bottom = 190.0

    /// The plot's pixel rectangle.
    var plot: (x: Double, y: Double, width: Double, height: Double) {
        (Self.left, Self.top, Double(width) - Self.left - Self.right, Double(height) - Self.top - Self.bottom)
    }

    public func png() throws(ChartError) -> [UInt8] {
        let canvas = try Canvas(width: width, height: height)
        let plot = self.plot
        canvas.fill(Theme.background, x: 0, y: 0, width: Double(width), height: Double(height))
        canvas.text(title, x: 24, y: 54, size: PhoneType.title, bold: true)
        canvas.text(subtitle, x: 24, y: 98, size: PhoneType.subtitle, color: Theme.mutedText)
        canvas.fill(Theme.plot, x: plot.x, y: plot.y, width: plot.width, height: plot.height)

        // The axis ends at capacity when there is one (a full cluster fills the plot), else at a round number.
        var top = 0.0
        for index in times.indices {
            top = max(top, layers.reduce(0) { $0 + ($1.values[safe: index] ?? 0) }, capacity?[safe: index] ?? 0)
        }
        let grid = AxisNumber.grid(upTo: top, lines: 4)
        let yMax = capacity != nil && top > 0 ? top : grid.top
        func y(_ value: Double) -> Double { plot.y + plot.height - value / yMax * plot.height }
        func x(_ time: Int64) -> Double { plot.x + Double(time - from) / Double(max(1, to - from)) * plot.width }

        // Horizontal grid and value labels; the top one is the capacity itself.
        var values = (0...Int((yMax / grid.step).rounded(.down))).map { grid.step * Double($0) }
        if let last = values.last, yMax - last > grid.step * 0.35 { values.append(yMax) }
        if let last = values.last, last < yMax { values[values.count - 1] = yMax }
        for value in values {
            canvas.line(Theme.grid, width: 1, points: [(plot.x, y(value)), (plot.x + plot.width, y(value))])
            canvas.text(
                AxisNumber.label(value), x: plot.x - 10, y: y(value) + 11, size: PhoneType.label,
                color: Theme.mutedText, align: .right)
        }
        canvas.text(unit, x: 24, y: plot.y - 18, size: PhoneType.label, color: Theme.mutedText)
        // Time grid and labels: few enough to read on a phone.
        let ticks = TimeTicks.ticks(from: from, to: to, maximum: Int(plot.width / 240), timeZone: timeZone)
        for tick in ticks {
            let position = x(tick.time)
            canvas.line(
                tick.major ? Theme.mutedText : Theme.grid, width: 1,
                points: [(position, plot.y), (position, plot.y + plot.height)])
            canvas.text(
                tick.label, x: position, y: plot.y + plot.height + 42, size: PhoneType.label, color: Theme.mutedText,
                align: .center)
        }

        if times.isEmpty {
            canvas.text(
                "No data for this period", x: plot.x + plot.width / 2, y: plot.y + plot.height / 2,
                size: PhoneType.label,
                color: Theme.mutedText, align: .center)
        }
        // Contiguous runs of buckets: a missing bucket breaks the areas.
        var runs: [Range<Int>] = []
        var start = 0
        for index in times.indices where index > 0 && times[index] - times[index - 1] > bucketSeconds {
            runs.append(start..<index)
            start = index
        }
        if !times.isEmpty { runs.append(start..<times.count) }
        for run in runs {
            var lower = [Double](repeating: 0, count: run.count)
            for layer in layers {
                let upper = zip(lower, run.map { layer.values[safe: $0] ?? 0 }).map(+)
                var points: [(Double, Double)] = []
                for (offset, index) in run.enumerated() {
                    points.append((x(times[index]), y(upper[offset])))
                    points.append((x(times[index] + bucketSeconds), y(upper[offset])))
                }
                for (offset, index) in run.enumerated().reversed() {
                    points.append((x(times[index] + bucketSeconds), y(lower[offset])))
                    points.append((x(times[index]), y(lower[offset])))
                }
                canvas.fill(layer.color, polygon: points)
                lower = upper
            }
            if let capacity {
                var points: [(Double, Double)] = []
                for index in run {
                    let value = capacity[safe: index] ?? 0
                    points.append((x(times[index]), y(value)))
                    points.append((x(times[index] + bucketSeconds), y(value)))
                }
                canvas.line(Theme.capacity, width: 2, points: points, dashed: true)
            }
        }

        if let now, now >= from, now <= to {
            let position = x(now)
            canvas.line(Theme.capacity, width: 2, points: [(position, plot.y), (position, plot.y + plot.height)])
            canvas.text(
                "now", x: position - 8, y: plot.y + 30, size: PhoneType.label, color: Theme.capacity, align: .right)
        }

        // Legend, under the time labels.
        var items = layers.map { LegendItem(label: $0.label, color: $0.color) }
        if capacity != nil { items.append(LegendItem(label: capacityLabel, color: Theme.capacity, mark: .dashedLine)) }
        canvas.legend(items, x: 24, y: plot.y + plot.height + 100, maxX: Double(width) - Self.right)
        return try canvas.png()
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
