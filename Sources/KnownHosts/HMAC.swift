/// HMAC (RFC 2104) over any `Digest`: OpenSSH hashes known_hosts names as HMAC-SHA1(key: salt, message: name).
public enum HMAC<Hash: Digest> {
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var block = key.count > Hash.blockSize ? Hash.hash(key) : key
        block += [UInt8](repeating: 0, count: Hash.blockSize - block.count)
        let inner = Hash.hash(block.map { $0 ^ 0x36 } + message)
        return Hash.hash(block.map { $0 ^ 0x5c } + inner)
    }
}
