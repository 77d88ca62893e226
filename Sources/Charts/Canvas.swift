internal import CCairo

/// Why a chart could not be drawn: cairo's own message.
public struct ChartError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// A cairo image surface and its drawing context, freed together; drawing is confined to one thread at a time.
final class Canvas {
    let width: Int
    let height: Int
    private let surface: OpaquePointer
    private let context: OpaquePointer

    init(width: Int, height: Int) throws(ChartError) {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else {
            throw ChartError(description: "cairo could not create a \(width)×\(height) surface")
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface) else {
            let message = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw ChartError(description: "cairo: \(message)")
        }
        self.surface = surface
        self.context = context
        self.width = width
        self.height = height
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    // MARK: - Shapes

    func fill(_ color: RGB, x: Double, y: Double, width: Double, height: Double) {
        set(color)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
    }

    /// A closed polygon, filled.
    func fill(_ color: RGB, polygon points: [(Double, Double)]) {
        guard let first = points.first else { return }
        set(color)
        cairo_move_to(context, first.0, first.1)
        for point in points.dropFirst() { cairo_line_to(context, point.0, point.1) }
        cairo_close_path(context)
        cairo_fill(context)
    }

    func line(_ color: RGB, width: Double, points: [(Double, Double)], dashed: Bool = false) {
        guard let first = points.first else { return }
        set(color)
        cairo_set_line_width(context, width)
        if dashed {
            let dashes: [Double] = [6, 4]
            cairo_set_dash(context, dashes, 2, 0)
        }
        cairo_move_to(context, first.0, first.1)
        for point in points.dropFirst() { cairo_line_to(context, point.0, point.1) }
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    // MARK: - Text

    enum Alignment {
        case left, center, right
    }

    /// Text with its baseline at `y`; returns its width.
    @discardableResult
    func text(
        _ string: String, x: Double, y: Double, size: Double, color: RGB = Theme.text, bold: Bool = false,
        align: Alignment = .left
    ) -> Double {
        cairo_select_font_face(
            context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, string, &extents)
        let left =
            switch align {
            case .left: x
            case .center: x - extents.x_advance / 2
            case .right: x - extents.x_advance
            }
        set(color)
        cairo_move_to(context, left, y)
        cairo_show_text(context, string)
        return extents.x_advance
    }

    func textWidth(_ string: String, size: Double, bold: Bool = false) -> Double {
        cairo_select_font_face(
            context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, string, &extents)
        return extents.x_advance
    }

    // MARK: - Pixels

    /// Writes whole blocks of pixels directly (heatmap cells): far faster than a rectangle per cell.
    func withPixels(_ body: (UnsafeMutablePointer<UInt32>, _ stride: Int) -> Void) {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = UnsafeMutableRawPointer(cairo_image_surface_get_data(surface)!).bindMemory(
            to: UInt32.self, capacity: stride * height)
        body(data, stride)
        cairo_surface_mark_dirty(surface)
    }

    // MARK: - PNG

    /// The image as PNG bytes (see PNGWriter for why not cairo's writer).
    func png() throws(ChartError) -> [UInt8] {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = UnsafeRawPointer(cairo_image_surface_get_data(surface)!).bindMemory(
            to: UInt32.self, capacity: stride * height)
        return try PNGWriter.encode(width: width, height: height, pixels: data, stride: stride)
    }

    private func set(_ color: RGB) {
        cairo_set_source_rgb(context, color.red, color.green, color.blue)
    }
}

/// A decoded PNG's pixels, for the tests (and for checking what a chart looks like).
public struct DecodedPNG: Sendable {
    public let width: Int
    public let height: Int
    private let pixels: [UInt32]

    /// Nil when the bytes are not a PNG cairo can read.
    public init?(_ bytes: [UInt8]) {
        let source = PNGSource(bytes)
        guard
            let surface = cairo_image_surface_create_from_png_stream(
                { closure, data, length in
                    let source = Unmanaged<PNGSource>.fromOpaque(closure!).takeUnretainedValue()
                    guard source.offset + Int(length) <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
                    source.bytes.withUnsafeBufferPointer {
                        data!.update(from: $0.baseAddress! + source.offset, count: Int(length))
                    }
                    source.offset += Int(length)
                    return CAIRO_STATUS_SUCCESS
                }, Unmanaged.passUnretained(source).toOpaque())
        else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface)) / 4
        let data = UnsafeRawPointer(cairo_image_surface_get_data(surface)!).bindMemory(
            to: UInt32.self, capacity: stride * height)
        var pixels = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { pixels[y * width + x] = data[y * stride + x] & 0xFF_FFFF }
        }
        self.pixels = pixels
    }

    /// 0xRRGGBB at a point.
    public func pixel(x: Int, y: Int) -> UInt32 {
        pixels[y * width + x]
    }

    /// How many pixels have exactly this colour.
    public func count(of color: RGB) -> Int {
        let wanted = color.hex
        return pixels.reduce(0) { $0 + ($1 == wanted ? 1 : 0) }
    }
}

private final class PNGSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}
