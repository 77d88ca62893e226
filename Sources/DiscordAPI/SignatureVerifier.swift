internal import CSodium

/// Checks that a request really comes from Discord: an Ed25519 signature, by the application's public key, over the
/// timestamp header followed by the raw body bytes.
///
/// Every failure is a 401 to the caller; the reason is for logs only. Lengths and hex digits are checked here,
/// before libsodium sees anything. A timestamp window (Discord publishes none; five minutes is common) limits
/// replays; 0 turns it off.
public struct SignatureVerifier: Sendable {
    public enum Verdict: Sendable, Equatable {
        case valid
        case invalid(String)
    }

    private let publicKey: [UInt8]
    public let window: Int

    /// - Parameters:
    ///   - publicKeyHex: the application's public key from the Developer Portal (64 hex digits).
    ///   - window: seconds a signed timestamp may be off from now, either way; 0 = unchecked.
    public init?(publicKeyHex: String, window: Int = 300) {
        guard let key = Hex.decode(publicKeyHex), key.count == 32 else { return nil }
        Sodium.initialize()
        publicKey = key
        self.window = window
    }

    /// - Parameter now: Unix seconds, for the window check.
    public func verify(signature signatureHex: String?, timestamp: String?, body: [UInt8], now: Int64) -> Verdict {
        guard let signatureHex, let timestamp else { return .invalid("a signature header is missing") }
        guard signatureHex.utf8.count == 128, let signature = Hex.decode(signatureHex) else {
            return .invalid("the signature is not 128 hex digits")
        }
        guard !timestamp.isEmpty, timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let seconds = Int64(timestamp)
        else { return .invalid("the timestamp is not a number of seconds") }
        let message = Array(timestamp.utf8) + body
        let valid = crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
        guard valid else { return .invalid("the signature does not match") }
        if window > 0 && abs(now - seconds) > Int64(window) {
            return .invalid(
                "the timestamp is \(now - seconds) s from this server's clock (window ±\(window) s); "
                    + "if every request fails this way, check the clock (NTP)")
        }
        return .valid
    }
}

/// An Ed25519 key pair: the demo and the tests sign interactions as Discord does.
public struct SigningKey: Sendable {
    public let publicKey: [UInt8]
    private let secretKey: [UInt8]

    /// A fresh random key pair.
    public init() {
        Sodium.initialize()
        var publicKey = [UInt8](repeating: 0, count: 32)
        var secretKey = [UInt8](repeating: 0, count: 64)
        crypto_sign_keypair(&publicKey, &secretKey)
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The key pair a 32-byte seed determines (RFC 8032 test vectors, reproducible tests).
    public init?(seed: [UInt8]) {
        guard seed.count == 32 else { return nil }
        Sodium.initialize()
        var publicKey = [UInt8](repeating: 0, count: 32)
        var secretKey = [UInt8](repeating: 0, count: 64)
        crypto_sign_seed_keypair(&publicKey, &secretKey, seed)
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    public var publicKeyHex: String { Hex.encode(publicKey) }

    /// The detached signature of `message`, 64 bytes.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: 64)
        crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey)
        return signature
    }

    /// The two headers Discord sends with a body it signed at `timestamp`.
    public func headers(for body: [UInt8], timestamp: Int64) -> (signature: String, timestamp: String) {
        let stamp = String(timestamp)
        return (Hex.encode(sign(Array(stamp.utf8) + body)), stamp)
    }
}
