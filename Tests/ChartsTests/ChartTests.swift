import FixtureSupport
import Foundation
import Testing

@testable import Charts

@Suite("charts: decoded back to pixels, axes, legends, gaps, readability at any size")
struct ChartTests {
    @Test("the stacked area: size, background, each layer's colour inside the plot, a gap left unpainted, legend")
    func stackedArea() throws {
        let chart = ChartSamples.area()
        let png = try chart.png()
        #expect(png.count < 200_000, "well under Discord's attachment limit")
        let image = try #require(DecodedPNG(png))
        #expect(image.width == 1200 && image.height == 820)
        #expect(image.pixel(x: 2, y: 2) == Theme.background.hex)
        let plot = chart.plot
        func pixel(atBucket bucket: Int, value: Double, top: Double) -> UInt32 {
            let x = plot.x + (Double(bucket) + 0.5) / 288 * plot.width
            return image.pixel(x: Int(x), y: Int(plot.y + plot.height - value / top * plot.height))
        }
        // The axis ends at capacity, 60 nodes: a full cluster fills the plot.
        #expect(pixel(atBucket: 40, value: 2, top: 60) == Theme.allocated.hex)
        #expect(pixel(atBucket: 40, value: 57, top: 60) == Theme.idle.hex)
        #expect(pixel(atBucket: 106, value: 2, top: 60) == Theme.plot.hex, "no data is a gap, not zero")
        for layer in chart.layers { #expect(image.count(of: layer.color) > 0, "\(layer.label) is drawn") }
        #expect(image.count(of: Theme.capacity) > 100, "the capacity line is drawn")
    }

    @Test("no data at all says so instead of drawing an empty frame")
    func empty() throws {
        var chart = ChartSamples.area()
        chart.times = []
        chart.layers = chart.layers.map {
            var layer = $0; layer.values = []; return layer
        }
        chart.capacity = []
        let image = try #require(DecodedPNG(try chart.png()))
        #expect(image.count(of: Theme.allocated) == 33 * 33, "only the legend swatch")
    }

    @Test("the heatmap: a cell's colour where its node and bucket are, sections, no-data cells, legend")
    func heatmap() throws {
        let chart = ChartSamples.heatmap()
        let image = try #require(DecodedPNG(try chart.png()))
        #expect(image.width == 1200 && image.height == chart.height)
        let plotWidth = 1200.0 - chart.left - Heatmap.right
        func cell(section: Int, row: Int, column: Int) -> UInt32 {
            let top =
                Int(Heatmap.top) + Int(Heatmap.sectionGap) * (section + 1) + (section * 12 + row) * chart.rowHeight
            let x = Int(chart.left + (Double(column) + 0.5) / 288 * plotWidth)
            return image.pixel(x: x, y: top + chart.rowHeight / 2)
        }
        #expect(cell(section: 0, row: 2, column: 200) == Theme.downDrained.hex, "c3 is down from column 100")
        #expect(
            cell(section: 0, row: 6, column: 12) == Theme.downDrained.hex
                && cell(section: 0, row: 6, column: 30) == Theme.idle.hex)
        #expect(cell(section: 1, row: 0, column: 5) == Theme.noData.hex)
        #expect(cell(section: 1, row: 0, column: 50) == Theme.allocated.hex, "c13 at column 50: (13 + 1) % 3 = 2")
        #expect(chart.labelEvery == 2, "24 px rows, phone-sized labels on every other one")
    }

    @Test("ten thousand rows stay a readable picture: 2 px rows, a label every 19th, a sane height")
    func bigHeatmap() async throws {
        var chart = ChartSamples.heatmap(nodes: 10_000)
        chart.showsShareScale = false
        #expect(chart.rowHeight == 2 && chart.labelEvery == 19)
        let drawn = chart
        let (png, decoded) = try await offPool {
            let png = try drawn.png()
            return (png, DecodedPNG(png))
        }
        let image = try #require(decoded)
        #expect(image.height < 21_000 && png.count < 8_000_000)
    }

    @Test("busy shares run from idle's colour to allocated's, darker when busier; states stay distinct")
    func colours() {
        func lightness(_ color: RGB) -> Double { 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue }
        let scale = (0...10).map { lightness(Theme.share(Double($0) / 10)) }
        #expect(zip(scale, scale.dropFirst()).allSatisfy { $0 > $1 }, "the share scale gets darker monotonically")
        #expect(Theme.share(0) == Theme.idle && Theme.share(1) == Theme.allocated)
        let states = [
            Theme.idle, Theme.mixed, Theme.allocated, Theme.draining, Theme.downDrained, Theme.reserved, Theme.other,
        ]
        #expect(Set(states.map(\.hex)).count == states.count)
        #expect(Theme.share(-1) == Theme.share(0) && Theme.share(2) == Theme.share(1))
    }

    @Test("time ticks: round local times, days marked, as many as fit, daylight saving respected")
    func ticks() {
        let day = TimeTicks.ticks(
            from: ChartSamples.start, to: ChartSamples.start + 86_400, maximum: 12, timeZone: ChartSamples.utc)
        #expect(
            day.map(\.label) == [
                "Tue 24", "02:00", "04:00", "06:00", "08:00", "10:00", "12:00", "14:00", "16:00", "18:00", "20:00",
                "22:00", "Wed 25",
            ])
        #expect(day.filter(\.major).count == 2)
        let hour = TimeTicks.ticks(
            from: ChartSamples.start + 600, to: ChartSamples.start + 4200, maximum: 5, timeZone: ChartSamples.utc)
        #expect(hour.map(\.label) == ["00:15", "00:30", "00:45", "01:00"])
        let week = TimeTicks.ticks(
            from: ChartSamples.start, to: ChartSamples.start + 7 * 86_400, maximum: 8, timeZone: ChartSamples.utc)
        #expect(week.count == 8 && week.allSatisfy(\.major))
        // Berlin leaves summer time on 2026-10-25 at 03:00 local: ticks still fall on local round hours.
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let from: Int64 = 1_792_879_200  // 2026-10-24 22:00 UTC, 2026-10-25 00:00 local
        let labels = TimeTicks.ticks(from: from, to: from + 86_400 + 3600, maximum: 9, timeZone: berlin).map(\.label)
        #expect(
            labels.first == "Sun 25" && labels.last == "Mon 26"
                && labels.allSatisfy { $0.hasSuffix(":00") || $0.contains(" ") }, "\(labels)")
    }

    @Test("axis numbers and grid steps")
    func numbers() {
        #expect(AxisNumber.label(0) == "0" && AxisNumber.label(250) == "250" && AxisNumber.label(12_000) == "12k")
        #expect(AxisNumber.label(1_500_000) == "1.5M" && AxisNumber.label(2.5) == "2.5")
        #expect(AxisNumber.grid(upTo: 62.4) == (20, 80))
        #expect(AxisNumber.grid(upTo: 3072) == (1000, 4000))
        #expect(AxisNumber.grid(upTo: 0) == (1, 5))
        #expect(AxisNumber.grid(upTo: 7) == (2, 8))
    }
}
