/// An sRGB colour, 0…1 per channel.
public struct RGB: Sendable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(hex: UInt32) {
        red = Double((hex >> 16) & 0xFF) / 255
        green = Double((hex >> 8) & 0xFF) / 255
        blue = Double(hex & 0xFF) / 255
    }

    /// 0xRRGGBB, as a PNG pixel reads back.
    public var hex: UInt32 {
        UInt32((red * 255).rounded()) << 16 | UInt32((green * 255).rounded()) << 8 | UInt32((blue * 255).rounded())
    }

    /// The colour between `self` (at 0) and `other` (at 1).
    public func mixed(with other: RGB, _ amount: Double) -> RGB {
        let t = min(1, max(0, amount))
        var result = self
        result.red += (other.red - red) * t
        result.green += (other.green - green) * t
        result.blue += (other.blue - blue) * t
        return result
    }
}

/// The dark theme, tuned to sit on Discord's dark background, and the state colours shared with `/status`.
///
/// State colours come from the Okabe–Ito palette, which stays distinguishable with the common colour-vision
/// deficiencies; each also differs from its neighbours in lightness.
public enum Theme {
    public static let background = RGB(hex: 0x2B2D31)
    public static let plot = RGB(hex: 0x232428)
    public static let grid = RGB(hex: 0x3F4147)
    public static let text = RGB(hex: 0xDBDEE1)
    public static let mutedText = RGB(hex: 0x949BA4)
    public static let capacity = RGB(hex: 0xF2F3F5)
    /// No data for that time (the poller was not running).
    public static let noData = RGB(hex: 0x1A1B1E)

    public static let idle = RGB(hex: 0x009E73)
    public static let mixed = RGB(hex: 0x56B4E9)
    public static let allocated = RGB(hex: 0x0072B2)
    public static let draining = RGB(hex: 0xE69F00)
    public static let downDrained = RGB(hex: 0xD55E00)
    public static let reserved = RGB(hex: 0xCC79A7)
    public static let other = RGB(hex: 0x8A8F98)

    /// Busy share 0 → 1 for grouped heatmap rows: from idle's colour to allocated's, darker as it gets busier, so
    /// a block's colour reads like a node's (green is free, dark blue is busy) and never like a state it is not.
    public static func share(_ value: Double) -> RGB {
        idle.mixed(with: allocated, value)
    }
}
