/// Type sizes for a 1200 px wide chart, which Discord shows inside an embed about 300 px wide on a phone (a quarter
/// of its size): the smallest of these is still about 8 px there, the title 11.
enum PhoneType {
    static let title = 44.0
    static let subtitle = 30.0
    static let label = 33.0
}

/// One entry of a chart's legend.
struct LegendItem {
    enum Mark {
        case swatch
        case dashedLine
        case solidLine
    }

    var label: String
    var color: RGB
    var mark = Mark.swatch
}

extension Canvas {
    /// The legend from `x`, wrapping onto new lines within `maxX`; returns the baseline of its last line.
    @discardableResult
    func legend(_ items: [LegendItem], x: Double, y: Double, maxX: Double) -> Double {
        let size = PhoneType.label
        var (cursor, baseline) = (x, y)
        for item in items {
            let width = size + 10 + textWidth(item.label, size: size) + 30
            if cursor > x, cursor + width - 30 > maxX {
                cursor = x
                baseline += size * 1.5
            }
            switch item.mark {
            case .swatch:
                fill(item.color, x: cursor.rounded(), y: (baseline - size * 0.8).rounded(), width: size, height: size)
            case .dashedLine, .solidLine:
                line(
                    item.color, width: 3,
                    points: [(cursor, baseline - size * 0.3), (cursor + size, baseline - size * 0.3)],
                    dashed: item.mark == .dashedLine)
            }
            text(item.label, x: cursor + size + 10, y: baseline, size: size)
            cursor += width
        }
        return baseline
    }

    /// How tall `legend` of `items` gets within `width` (for laying out a chart before drawing it).
    func legendHeight(_ items: [LegendItem], width: Double) -> Double {
        let size = PhoneType.label
        var (cursor, lines) = (0.0, 1)
        for item in items {
            let itemWidth = size + 10 + textWidth(item.label, size: size) + 30
            if cursor > 0, cursor + itemWidth - 30 > width {
                cursor = 0
                lines += 1
            }
            cursor += itemWidth
        }
        return Double(lines) * size * 1.5
    }
}
