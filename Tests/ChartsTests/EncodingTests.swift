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

    @Test("wall-clock weekday, day and time agree with Foundation's formatter in zones with odd offsets")
    func wallClock() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE d HH:mm"
        var generator = SystemRandomNumberGenerator()
        for zone in ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham", "Pacific/Apia"] {
            let timeZone = TimeZone(identifier: zone)!
            formatter.timeZone = timeZone
            var times: [Int64] = [0, -1, -86_400 * 365 * 10 - 7, 951_782_400, 1_792_890_000, 4_102_444_799]
            times += (0..<200).map { _ in Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator) }
            for time in times {
                let clock = WallClock(time, timeZone: timeZone)
                let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
                #expect("\(clock.weekday) \(clock.dayOfMonth) \(clock.hoursMinutes)" == expected, "\(zone) \(time)")
            }
        }
    }
}
