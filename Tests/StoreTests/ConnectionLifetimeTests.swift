import FixtureSupport
import Foundation
import Testing

@testable import Store

@Suite("connections are freed: their statements do not keep them, or their files, open", .serialized)
struct ConnectionLifetimeTests {
    static func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    @Test("50 connections opened, used (statements cached) and dropped leave no descriptor behind")
    func descriptorsClosed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("db")
        _ = try Connection(path: path)
        let before = try Self.openDescriptors()
        for _ in 0..<50 {
            let connection = try Connection(path: path)
            #expect(try connection.scalar("SELECT count(*) FROM sqlite_master").int64 != nil)
            _ = try connection.statement("SELECT 1")
        }
        let after = try Self.openDescriptors()
        // Tests running beside this one open files of their own meanwhile; the leak was 2 per connection (100).
        #expect(after - before < 30, "\(before) descriptors before, \(after) after")
    }

    @Test("a dropped connection is deinitialized")
    func deinitialized() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        weak var weakConnection: Connection?
        do {
            let connection = try Connection(path: directory.file("db"))
            _ = try connection.scalar("SELECT 1")
            weakConnection = connection
        }
        #expect(weakConnection == nil)
    }
}
