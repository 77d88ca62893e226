import FixtureSupport
import Foundation
import HTTPServer
import Testing

@testable import Bot

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port that accepts connections (the kernel does, from its backlog) and never answers a byte: Discord's API
/// as it looks when it hangs.
final class BlackHole {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 512) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

@Suite("Discord's API never answering: deferred replies wait, threads stay bounded, PING stays fast")
struct UnreachableDiscordTests {
    static func threads() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
    }

    @Test("40 deferred replies to an API that never answers add at most the HTTP client's fixed threads")
    func threadsBounded() async throws {
        let hole = try BlackHole()
        let signer = Signer()
        let table = CommandTable(handlers: [SlowCommand(delay: .zero, withFile: true)], definitions: [])
        let before = try Self.threads()
        let bot = endpoint(
            signer: signer, database: nil, discordBase: "http://127.0.0.1:\(hole.port)/api/v10", commands: table)
        for index in 0..<40 {
            let response = await bot.respond(to: signer.request(Signer.command("slow", token: "t\(index)")))
            #expect(response.json?["type"] as? Int == 5)
        }
        try await Task.sleep(for: .seconds(1))
        let during = try Self.threads()
        #expect(bot.deferredInFlight == 40, "every edit still waits for Discord")
        // The client's 8 transfer threads, and a few that other tests running beside this one may start.
        #expect(during - before <= 16, "\(before) threads before, \(during) with 40 edits waiting")
        let clock = ContinuousClock()
        let started = clock.now
        let pong = await bot.respond(to: signer.request(Signer.ping))
        #expect(pong.json?["type"] as? Int == 1 && clock.now - started < .milliseconds(100))
        withExtendedLifetime(hole) {}
    }
}
