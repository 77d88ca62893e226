/// Integers as zigzag LEB128 varints: small numbers in one byte, any `Int` in at most ten.
struct VarintPacker {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ value: Int) {
        var zigzag = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while zigzag >= 0x80 {
            bytes.append(UInt8(zigzag & 0x7F) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    mutating func append(_ value: Int64) { append(Int(value)) }

    mutating func append(_ resources: Capacity.Resources) {
        append(resources.cpus)
        append(resources.memoryMB)
        append(resources.gpus)
    }

}

/// Reads what `VarintPacker` wrote; nil at the end or on a varint longer than an `Int`.
struct VarintReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { offset == bytes.count }

    mutating func next() -> Int? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                let decoded = Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
                return Int(decoded)
            }
            shift += 7
        }
        return nil
    }

    mutating func resources() -> Capacity.Resources? {
        guard let cpus = next(), let memory = next(), let gpus = next() else { return nil }
        return Capacity.Resources(cpus: cpus, memoryMB: memory, gpus: gpus)
    }
}
