/// SHA-1 (FIPS 180-4), only as the hash inside HMAC-SHA1, which OpenSSH uses for hashed known_hosts names
/// (`|1|salt|hash`). It is never used to decide whether a key is the right one: keys are compared byte for byte.
public enum SHA1: Digest {
    public static let blockSize = 64

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        let message = padded(bytes)
        var schedule = [UInt32](repeating: 0, count: 80)
        for blockStart in stride(from: 0, to: message.count, by: 64) {
            let words = bigEndianWords(message[blockStart..<blockStart + 64])
            for index in 0..<16 { schedule[index] = words[index] }
            for index in 16..<80 {
                schedule[index] =
                    (schedule[index - 3] ^ schedule[index - 8] ^ schedule[index - 14] ^ schedule[index - 16])
                    .rotatedLeft(1)
            }
            var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
            for index in 0..<80 {
                let (mix, constant): (UInt32, UInt32) =
                    switch index {
                    case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                    case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                    case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                    default: (b ^ c ^ d, 0xCA62_C1D6)
                    }
                let temp = a.rotatedLeft(5) &+ mix &+ e &+ constant &+ schedule[index]
                (e, d, c, b, a) = (d, c, b.rotatedLeft(30), a, temp)
            }
            for (index, value) in [a, b, c, d, e].enumerated() { state[index] = state[index] &+ value }
        }
        return Self.bytes(bigEndian: state)
    }
}
