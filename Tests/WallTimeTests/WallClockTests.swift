import Foundation
import WallTime
import Testing

@Suite("times as a wall clock in a zone shows them, without DateFormatter")
struct WallClockTests {
    @Test("weekday, date and time agree with Foundation's formatter in zones with odd offsets")
    func agreesWithFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE d yyyy-MM-dd HH:mm"
        var generator = SystemRandomNumberGenerator()
        for zone in ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham", "Pacific/Apia"] {
            let timeZone = TimeZone(identifier: zone)!
            formatter.timeZone = timeZone
            // The epoch, leap days (2000-02-29, 2024-02-29), year ends, and 2099's last second.
            var times: [Int64] = [0, -1, -86_400 * 365 * 10 - 7, 951_782_400, 1_709_164_800, 1_792_890_000]
            times += [946_684_799, 1_735_689_600, 4_102_444_799]
            times += (0..<300).map { _ in Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator) }
            for time in times {
                let clock = WallClock(time, timeZone: timeZone)
                let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
                #expect(
                    "\(clock.weekday) \(clock.dayOfMonth) \(clock.isoDate) \(clock.hoursMinutes)" == expected,
                    "\(zone) \(time)")
            }
        }
    }

    @Test("UTC is called UTC under any of its names; other zones by their abbreviation at that moment")
    func zoneNames() {
        for name in ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Universal", "Zulu"] {
            #expect(WallClock.zoneName(TimeZone(identifier: name)!, at: 1_792_890_000) == "UTC", "\(name)")
        }
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let winter = berlin.abbreviation(for: Date(timeIntervalSince1970: 1_736_000_000))
        let summer = berlin.abbreviation(for: Date(timeIntervalSince1970: 1_751_000_000))
        #expect(WallClock.zoneName(berlin, at: 1_736_000_000) == winter)
        #expect(WallClock.zoneName(berlin, at: 1_751_000_000) == summer && winter != summer)
    }
}
