import FixtureSupport
import Foundation
import Testing

@testable import KnownHosts

@Suite("the key type of a private key file, read without decrypting it")
struct PrivateKeyFileTests {
    /// A key made by OpenSSH's ssh-keygen, in its own format or PEM, with or without a passphrase.
    static func generate(_ arguments: [String], in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(UUID().uuidString)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-q", "-f", path] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test(
        "ssh-keygen's keys, every format",
        arguments: [
            (["-t", "ed25519", "-N", ""], "ssh-ed25519"),
            (["-t", "ed25519", "-N", "secret phrase"], "ssh-ed25519"),
            (["-t", "rsa", "-b", "2048", "-N", ""], "ssh-rsa"),
            (["-t", "rsa", "-b", "2048", "-N", "secret phrase", "-m", "PEM"], "ssh-rsa"),
            (["-t", "ecdsa", "-b", "384", "-N", ""], "ecdsa-sha2-nistp384"),
            (["-t", "ecdsa", "-b", "256", "-N", "", "-m", "PEM"], "ecdsa-sha2"),
        ])
    func generated(arguments: [String], algorithm: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(PrivateKeyFile.algorithm(of: try Self.generate(arguments, in: directory)) == algorithm)
    }

    @Test(
        "anything else says nothing",
        arguments: [
            "", "hello", "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!\n",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n",
        ])
    func unreadable(text: String) {
        #expect(PrivateKeyFile.algorithm(of: text) == nil)
    }
}
