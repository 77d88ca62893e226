import DiscordModels
import Testing

@Suite("Discord timestamps: written for each reader's zone, read back for the terminal")
struct DiscordTimestampTests {
    @Test("markup in each style, and a moment with its relative form")
    func markup() {
        #expect(DiscordTimestamp.markup(1_795_549_370, .relative) == "<t:1795549370:R>")
        #expect(DiscordTimestamp.moment(5) == "<t:5:f> (<t:5:R>)")
    }

    @Test("replacing finds each timestamp and leaves everything else, broken ones included, as it was")
    func replacing() {
        let text = "a <t:10:R> b <t:20> c <t:x:R> <b> <t:30:Z> <t:40:f>< end"
        let out = DiscordTimestamp.replacing(in: text) { time, style in "[\(time) \(style.rawValue)]" }
        #expect(out == "a [10 R] b [20 f] c <t:x:R> <b> <t:30:Z> [40 f]< end")
    }
}
