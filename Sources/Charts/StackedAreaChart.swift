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
    public var width = 1200
    public var height = 620

    public init(
        title: String, subtitle: String, times: [Int64], bucketSeconds: Int64, from: Int64, to: Int64, layers: [Layer],
        capacity: [Double]? = nil, capacityLabel: String = "capacity", unit: String, timeZone: TimeZone
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
    }

    static let left = 74.0, right = 28.0, top = 78.0, bottom = 92.0

    /// The plot's pixel rectangle.
    var plot: (x: Double, y: Double, width: Double, height: Double) {
        (Self.left, Self.top, Double(width) - Self.left - Self.right, Double(height) - Self.top - Self.bottom)
    }

    public func png() throws(ChartError) -> [UInt8] {
        let canvas = try Canvas(width: width, height: height)
        let plot = self.plot
        canvas.fill(Theme.background, x: 0, y: 0, width: Double(width), height: Double(height))
        canvas.text(title, x: Self.left, y: 34, size: 21, bold: true)
        canvas.text(subtitle, x: Self.left, y: 58, size: 13, color: Theme.mutedText)
        canvas.fill(Theme.plot, x: plot.x, y: plot.y, width: plot.width, height: plot.height)

        var top = 0.0
        for index in times.indices {
            top = max(top, layers.reduce(0) { $0 + ($1.values[safe: index] ?? 0) }, capacity?[safe: index] ?? 0)
        }
        let grid = AxisNumber.grid(upTo: top * 1.04)
        let yMax = grid.top
        func y(_ value: Double) -> Double { plot.y + plot.height - value / yMax * plot.height }
        func x(_ time: Int64) -> Double { plot.x + Double(time - from) / Double(max(1, to - from)) * plot.width }

        // Horizontal grid and value labels.
        for step in 0...Int((yMax / grid.step).rounded()) {
            let value = grid.step * Double(step)
            canvas.line(Theme.grid, width: 1, points: [(plot.x, y(value)), (plot.x + plot.width, y(value))])
            canvas.text(
                AxisNumber.label(value), x: plot.x - 8, y: y(value) + 4, size: 12, color: Theme.mutedText, align: .right
            )
        }
        canvas.text(unit, x: plot.x - 8, y: plot.y - 10, size: 12, color: Theme.mutedText, align: .right)
        // Time grid and labels.
        let ticks = TimeTicks.ticks(from: from, to: to, maximum: Int(plot.width / 90), timeZone: timeZone)
        for tick in ticks {
            let position = x(tick.time)
            canvas.line(
                tick.major ? Theme.mutedText : Theme.grid, width: 1,
                points: [(position, plot.y), (position, plot.y + plot.height)])
            canvas.text(
                tick.label, x: position, y: plot.y + plot.height + 18, size: 12, color: Theme.mutedText, align: .center)
        }

        if times.isEmpty {
            canvas.text(
                "No data for this period", x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, size: 16,
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

        // Legend, left to right under the time labels.
        var legendX = plot.x
        let legendY = Double(height) - 30
        for layer in layers {
            canvas.fill(layer.color, x: legendX, y: legendY - 11, width: 14, height: 14)
            legendX += 20 + canvas.text(layer.label, x: legendX + 20, y: legendY, size: 13) + 22
        }
        if capacity != nil {
            canvas.line(
                Theme.capacity, width: 2, points: [(legendX, legendY - 4), (legendX + 22, legendY - 4)], dashed: true)
            canvas.text(capacityLabel, x: legendX + 28, y: legendY, size: 13)
        }
        return try canvas.png()
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
