import Crypto
import Foundation

/// A server's public host key in SSH wire format, as the server sends it and as known_hosts stores it (base64).
///
/// Keys are compared byte for byte; the fingerprint is only for people to compare with what an admin publishes.
public struct HostKey: Sendable, Hashable {
    /// The SSH wire-format public key blob.
    public let blob: [UInt8]
    /// The key's algorithm as the blob names it, such as `ssh-ed25519` or `ecdsa-sha2-nistp256`.
    public let algorithm: String

    /// Reads the algorithm name from the blob's first field; nil when the blob is not an SSH public key.
    public init?(blob: [UInt8]) {
        guard blob.count >= 4 else { return nil }
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length > 0, length <= 64, blob.count >= 4 + length else { return nil }
        let name = blob[4..<4 + length]
        guard name.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return nil }
        self.blob = blob
        self.algorithm = String(decoding: name, as: UTF8.self)
    }

    /// A known_hosts key: the type field and the base64 blob must agree.
    public init?(algorithm: String, base64: String) {
        guard let data = Data(base64Encoded: base64), let key = HostKey(blob: [UInt8](data)), key.algorithm == algorithm
        else { return nil }
        self = key
    }

    public var base64: String { Data(blob).base64EncodedString() }

    /// `SHA256:` and the unpadded base64 of the blob's SHA-256, exactly as `ssh-keygen -l` and `ssh` print it.
    public var fingerprint: String {
        var encoded = Data(SHA256.hash(data: blob)).base64EncodedString()
        while encoded.hasSuffix("=") { encoded.removeLast() }
        return "SHA256:" + encoded
    }

    /// The short type OpenSSH shows beside a fingerprint: ED25519, ECDSA, RSA, DSA, or the algorithm itself.
    public var typeName: String {
        switch algorithm {
        case "ssh-ed25519": "ED25519"
        case "ssh-rsa": "RSA"
        case "ssh-dss": "DSA"
        case let name where name.hasPrefix("ecdsa-sha2-"): "ECDSA"
        default: algorithm
        }
    }
}
