import Foundation

/// What kind of key a private key file holds, read without decrypting it.
///
/// The OpenSSH format stores the public key in clear even when the private part is encrypted; PEM files name the
/// type in their header. Used to explain a refusal (libssh2 1.10 signs with RSA/SHA-1 only, which OpenSSH 8.8 and
/// later refuse), never to decide anything about trust.
public enum PrivateKeyFile {
    /// `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, … or nil when the format does not say.
    public static func algorithm(of text: String) -> String? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let header = lines.first else { return nil }
        switch header {
        case "-----BEGIN RSA PRIVATE KEY-----": return "ssh-rsa"
        case "-----BEGIN DSA PRIVATE KEY-----": return "ssh-dss"
        case "-----BEGIN EC PRIVATE KEY-----": return "ecdsa-sha2"
        case "-----BEGIN OPENSSH PRIVATE KEY-----": break
        default: return nil
        }
        let body = lines.dropFirst().prefix { !$0.hasPrefix("-----END") }.joined()
        guard let data = Data(base64Encoded: body) else { return nil }
        var reader = WireReader(bytes: [UInt8](data))
        guard reader.take(15) == Array("openssh-key-v1\0".utf8) else { return nil }
        for _ in 0..<3 { guard reader.string() != nil else { return nil } }  // cipher, KDF, KDF options
        guard reader.take(4) != nil, let publicKey = reader.string() else { return nil }
        return HostKey(blob: publicKey)?.algorithm
    }
}

/// Reads SSH wire-format fields: 32-bit big-endian lengths followed by bytes.
struct WireReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func string() -> [UInt8]? {
        guard let length = take(4) else { return nil }
        return take(Int(length[0]) << 24 | Int(length[1]) << 16 | Int(length[2]) << 8 | Int(length[3]))
    }
}
