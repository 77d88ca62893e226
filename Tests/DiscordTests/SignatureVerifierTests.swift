import FixtureSupport
import Foundation
import Testing

@testable import DiscordModels
@testable import DiscordAPI

@Suite("Ed25519: Discord's request signatures")
struct SignatureVerifierTests {
    static let now: Int64 = 1_790_000_000
    static let key = SigningKey()
    static let verifier = SignatureVerifier(publicKeyHex: key.publicKeyHex)!
    static let body = Array(#"{"type":1,"id":"1","application_id":"2","token":"t","version":1}"#.utf8)

    @Test("RFC 8032 test 1: the seed gives the published key and signature")
    func rfc8032() throws {
        let seed = try #require(Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let key = try #require(SigningKey(seed: seed))
        #expect(key.publicKeyHex == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(
            Hex.encode(key.sign([]))
                == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        )
    }

    @Test("a request signed with the application's key is valid; uppercase hex too")
    func valid() {
        let (signature, timestamp) = Self.key.headers(for: Self.body, timestamp: Self.now)
        #expect(
            Self.verifier.verify(signature: signature, timestamp: timestamp, body: Self.body, now: Self.now) == .valid)
        #expect(
            Self.verifier.verify(
                signature: signature.uppercased(), timestamp: timestamp, body: Self.body, now: Self.now) == .valid)
    }

    @Test("every tampering and every malformed header is refused")
    func refused() {
        let (signature, timestamp) = Self.key.headers(for: Self.body, timestamp: Self.now)
        var changed = Self.body
        changed[changed.count / 2] ^= 0x01
        let cases: [(String?, String?, [UInt8])] = [
            (nil, timestamp, Self.body), (signature, nil, Self.body), ("", timestamp, Self.body),
            (String(signature.dropLast()), timestamp, Self.body), (signature + "0", timestamp, Self.body),
            (String(signature.dropLast(2)) + "zz", timestamp, Self.body), (signature, timestamp, changed),
            (signature, timestamp, Self.body + [0x20]), (signature, String(Self.now + 1), Self.body),
            (signature, "1790000000.0", Self.body), (signature, "-1790000000", Self.body), (signature, "", Self.body),
            (Hex.encode(SigningKey().sign(Array(timestamp.utf8) + Self.body)), timestamp, Self.body),
            (String(repeating: "0", count: 128), timestamp, Self.body),
        ]
        for (signature, timestamp, body) in cases {
            let verdict = Self.verifier.verify(signature: signature, timestamp: timestamp, body: body, now: Self.now)
            #expect(verdict != .valid, "accepted signature \(signature ?? "nil") timestamp \(timestamp ?? "nil")")
        }
    }

    @Test("the timestamp window: stale or future requests are refused with a clock hint; 0 turns the check off")
    func window() {
        let (signature, timestamp) = Self.key.headers(for: Self.body, timestamp: Self.now - 301)
        guard
            case .invalid(let reason) = Self.verifier.verify(
                signature: signature, timestamp: timestamp, body: Self.body, now: Self.now)
        else {
            Issue.record("a stale request was accepted")
            return
        }
        #expect(reason.contains("301 s from this server's clock") && reason.contains("NTP"))
        let future = Self.key.headers(for: Self.body, timestamp: Self.now + 299)
        #expect(
            Self.verifier.verify(
                signature: future.signature, timestamp: future.timestamp, body: Self.body, now: Self.now) == .valid)
        let open = SignatureVerifier(publicKeyHex: Self.key.publicKeyHex, window: 0)!
        #expect(
            open.verify(signature: signature, timestamp: timestamp, body: Self.body, now: Self.now + 86_400) == .valid)
    }

    @Test("a public key must be 64 hex digits")
    func publicKeys() {
        #expect(SignatureVerifier(publicKeyHex: "") == nil)
        #expect(SignatureVerifier(publicKeyHex: String(repeating: "a", count: 63)) == nil)
        #expect(SignatureVerifier(publicKeyHex: String(repeating: "g", count: 64)) == nil)
        #expect(SignatureVerifier(publicKeyHex: String(repeating: "a", count: 66)) == nil)
    }

    @Test("requests signed by PyNaCl, an independent Ed25519 implementation, are accepted")
    func pyNaCl() throws {
        let script = """
            import json, nacl.signing
            key = nacl.signing.SigningKey(bytes(range(32)))
            for i, body in enumerate(['{"type":1}', '{"type":2,"data":{"name":"status"}}', 'é ☃ \\u0000 x' * 50]):
                ts = str(1790000000 + i)
                sig = key.sign((ts + body).encode('utf-8')).signature.hex()
                print(json.dumps({"key": key.verify_key.encode().hex(), "ts": ts, "sig": sig, "body": body}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "PyNaCl is needed: python3 -m pip install pynacl (scripts/test does)")
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let signed = try JSONDecoder().decode([String: String].self, from: Data(line.utf8))
            let verifier = try #require(SignatureVerifier(publicKeyHex: signed["key"]!, window: 0))
            let body = Array(signed["body"]!.utf8)
            #expect(verifier.verify(signature: signed["sig"], timestamp: signed["ts"], body: body, now: 0) == .valid)
            #expect(
                verifier.verify(signature: signed["sig"], timestamp: signed["ts"], body: body + [0], now: 0) != .valid)
        }
    }
}
