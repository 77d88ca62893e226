import Foundation
import Testing
import WallTime

@Suite("durations in words: two units at most, never negative")
struct DurationWordsTests {
    @Test(
        "lengths people read at a glance",
        arguments: [
            (0, "0 s"), (45, "45 s"), (60, "1 min"), (225, "3 min 45 s"), (7800, "2 h 10 min"), (7200, "2 h"),
            (86_400, "1 day"), (90_000, "1 day 1 h"), (3 * 86_400 + 4 * 3600 + 59, "3 days 4 h"),
        ])
    func words(seconds: Int, expected: String) {
        #expect(DurationWords.text(seconds) == expected)
    }

    @Test("a negative length (a head node's clock running ahead) reads as 0 s, not -24:0-39")
    func negative() {
        #expect(DurationWords.text(-86_439) == "0 s" && DurationWords.text(Int64(-1)) == "0 s")
    }

    @Test("the embed timestamp's ISO 8601 form")
    func iso() {
        #expect(WallClock.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(WallClock.iso8601(1_795_549_370) == "2026-11-24T19:42:50Z")
    }
}
