/// A stable 64-bit FNV-1a hash of a row's changeable fields.
///
/// Swift's `Hasher` is seeded per process, so it cannot compare a row written by one poll with the next; this can.
/// A poll rewrites a row only when its fingerprint changed, which keeps a quiet 10,000-node cluster cheap.
struct Fingerprint {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value = (value ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        value = (value ^ 0x1F) &* 0x100_0000_01B3
    }

    mutating func add(_ number: Int?) {
        add(number.map(Int64.init))
    }

    mutating func add(_ number: Int64?) {
        guard let number else {
            value = (value ^ 0xFE) &* 0x100_0000_01B3
            return
        }
        var bits = UInt64(bitPattern: number)
        for _ in 0..<8 {
            value = (value ^ (bits & 0xFF)) &* 0x100_0000_01B3
            bits >>= 8
        }
        value = (value ^ 0x1E) &* 0x100_0000_01B3
    }

    mutating func add(_ number: Double?) {
        add(number.map { Int64(bitPattern: $0.bitPattern) })
    }

    /// The hash folded to 32 bits: half the bytes per row in SQLite, and a collision (odds 2^-32 per change) only
    /// delays one row's update by a poll.
    var int64: Int64 { Int64(Int32(truncatingIfNeeded: value ^ (value >> 32))) }
}
