import Foundation
import Testing

@testable import Charts

@Suite("PNG writing and wall-clock times, checked against independent decoders and formatters")
struct EncodingTests {
    @Test("the PNG writer: exact colours for all but rare fringes, which take the nearest kept colour; any size")
    func palette() throws {
        // 300 colours: the 256 most used are kept exactly; 44 rare ones (one pixel each) become their nearest.
        let canvas = try Canvas(width: 300, height: 40)
        func color(_ index: Int) -> UInt32 { 0xFF00_0000 | UInt32(index & 0xFF) << 16 | UInt32(index >> 8) << 8 | 0x40 }
        canvas.withPixels { pixels, stride in
            for y in 0..<40 {
                for x in 0..<300 { pixels[y * stride + x] = color(x < 256 || y == 0 ? x : x % 256) }
            }
        }
        let image = try #require(DecodedPNG(try canvas.png()))
        #expect(image.width == 300 && image.height == 40)
        for x in [0, 17, 255] { #expect(image.pixel(x: x, y: 5) == color(x) & 0xFF_FFFF) }
        for x in 256..<300 {
            let decoded = image.pixel(x: x, y: 0)
            let wanted = color(x) & 0xFF_FFFF
            #expect(decoded == wanted - 0x100, "x \(x): the kept colour one step of green away")
        }
        let tiny = try Canvas(width: 1, height: 1)
        tiny.fill(RGB(hex: 0x123456), x: 0, y: 0, width: 1, height: 1)
        #expect(DecodedPNG(try tiny.png())?.pixel(x: 0, y: 0) == 0x123456)
    }
}
