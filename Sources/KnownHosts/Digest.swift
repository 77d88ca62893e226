/// A cryptographic hash over bytes, as known_hosts needs: SHA-256 for fingerprints, SHA-1 inside HMAC for hashed
/// host names.
///
/// These are the plain FIPS 180-4 algorithms in Swift, so this target stays free of C and I/O; the tests check them
/// against the standard vectors and against what OpenSSH's `ssh-keygen` prints. Nothing here keeps secrets: host
/// names and public keys are public, so constant-time code is not needed.
public protocol Digest {
    static var blockSize: Int { get }
    static func hash(_ bytes: [UInt8]) -> [UInt8]
}

extension Digest {
    /// FIPS 180-4 padding: a one bit, zeros, then the message length in bits as a 64-bit big-endian number.
    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        var message = bytes
        let bitLength = UInt64(bytes.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        return message
    }

    static func bigEndianWords(_ block: ArraySlice<UInt8>) -> [UInt32] {
        var words = [UInt32](repeating: 0, count: 16)
        var index = block.startIndex
        for word in 0..<16 {
            words[word] =
                UInt32(block[index]) << 24 | UInt32(block[index + 1]) << 16 | UInt32(block[index + 2]) << 8
                | UInt32(block[index + 3])
            index += 4
        }
        return words
    }

    static func bytes(bigEndian words: [UInt32]) -> [UInt8] {
        words.flatMap {
            [
                UInt8($0 >> 24), UInt8(truncatingIfNeeded: $0 >> 16), UInt8(truncatingIfNeeded: $0 >> 8),
                UInt8(truncatingIfNeeded: $0),
            ]
        }
    }
}

extension UInt32 {
    @inline(__always) func rotatedLeft(_ count: UInt32) -> UInt32 { self << count | self >> (32 - count) }
    @inline(__always) func rotatedRight(_ count: UInt32) -> UInt32 { self >> count | self << (32 - count) }
}
