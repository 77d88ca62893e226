import Charts
import DiscordModels
import FixtureSupport
import Foundation
import Logging
import Poller
import Remote
import Simulation
import Store
import Testing
import WallTime

@testable import Commands

/// Every command that reads the cluster, with options that need data to answer.
let readingCommands: [(String, [(String, String)])] = [
    ("status", []), ("queue", []), ("history", []), ("heatmap", []), ("inspect", [("node", "n1")]),
    ("canrun", [("cpus", "1")]), ("why", [("job", "1")]),
]

@Suite("clusters at the edges: no database, no poll yet, stale data, a failed poll, a single node")
struct EdgeClusterTests {
    @Test("no database, or an empty one: every command says so, for the asker only")
    func noData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let empty = try Database(path: directory.file("empty.db"))
        for (command, options) in readingCommands {
            let none = try await run(command, options, on: nil)
            #expect(none.ephemeral && none.text == "This bot has no cluster data configured yet.", "/\(command)")
            let fresh = try await run(command, options, on: empty)
            let text = fresh.text.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(fresh.ephemeral && text == "No cluster data yet: the poller has not run.", "/\(command): \(text)")
        }
    }

    @Test("stale data still answers, in amber, with STALE and its age in the footer")
    func stale() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        for (command, options) in readingCommands {
            let reply = try await run(command, options, on: database, now: Signer.now + 3 * 3600)
            #expect(!reply.ephemeral && reply.embed?.color == 0x95A5A6, "/\(command)")
            guard command != "status" else {
                #expect(reply.text.contains("⚠️ Stale: this data is 3 h 1 min old."), "\(reply.text)")
                continue
            }
            let footer = reply.embed?.footer?.text ?? ""
            #expect(footer.contains("data as of · STALE: 3 h 1 min old"), "/\(command): \(footer)")
            #expect(reply.embed?.timestamp?.hasSuffix("Z") == true, "/\(command)")
        }
    }

    @Test("a head node whose clock runs a day ahead: every answer reads sensibly, on our clock, and says so")
    func clockAhead() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("ahead.db"))
        let poller = Poller(
            runner: FixtureRunner(directory: Fixtures.path("lab-22.05")), database: database, cluster: "lab",
            logger: Logger(label: "test"))
        let ours = Signer.now - 86_400
        _ = try await poller.pollOnce(now: ours)
        for (command, options) in readingCommands {
            let reply = try await run(command, options, on: database, now: ours + 30)
            #expect(!reply.ephemeral, "/\(command): \(reply.text)")
            let text = ReplyText.render(reply.message, now: ours + 30, timeZone: TimeZone(identifier: "UTC")!)
            #expect(!text.contains("in the future") && !text.contains("STALE"), "/\(command): \(text)")
            #expect(text.range(of: #"-\d+:\d"#, options: .regularExpression) == nil, "/\(command): \(text)")
            guard command != "status" else { continue }
            // The poll's own duration counts in the measured offset, so the minutes vary with the machine's load.
            let footer = reply.embed?.footer?.text ?? ""
            #expect(
                footer.range(of: #"the head node's clock runs 23 h \d+ min ahead"#, options: .regularExpression) != nil,
                "/\(command): \(footer)")
            let stamp = try #require(reply.embed?.timestamp.flatMap { ReplyText.unixTime(iso8601: $0) })
            #expect((ours...ours + 60).contains(stamp), "/\(command): on our clock")
        }
    }

    @Test("a failed last poll is named in every footer, with its error")
    func failedPoll() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let broken = Poller(
            runner: FixtureRunner(directory: directory.file("missing")), database: database, cluster: "lab",
            logger: Logger(label: "test"))
        _ = try? await broken.pollOnce(now: Signer.now - 30)
        for (command, options) in readingCommands where command != "status" {
            let reply = try await run(command, options, on: database)
            let footer = reply.embed?.footer?.text ?? ""
            #expect(footer.contains("· last poll failed"), "/\(command): \(footer)")
            #expect(reply.embed?.color == 0x95A5A6, "/\(command)")
        }
    }

    @Test("no poll has succeeded yet: /status shows the failure, the others say there is nothing yet and why")
    func neverPolled() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database(path: directory.file("failing.db"))
        let broken = Poller(
            runner: FixtureRunner(directory: directory.file("missing")), database: database, cluster: "lab",
            logger: Logger(label: "test"))
        _ = try? await broken.pollOnce(now: Signer.now - 30)
        for (command, options) in readingCommands {
            let reply = try await run(command, options, on: database)
            if command == "status" {
                #expect(reply.text.contains("no successful poll yet"), "\(reply.text)")
                continue
            }
            #expect(reply.ephemeral, "/\(command)")
            #expect(
                reply.text.hasPrefix(
                    "No data on cluster lab yet: no poll has succeeded. The last attempt (<t:\(Signer.now - 30):f> "),
                "/\(command): \(reply.text)")
        }
    }

    @Test("a one-node cluster: every command answers, and the charts have one row")
    func oneNode() async throws {
        let layout = Layout(
            groups: [
                .init(
                    prefix: "solo", count: 1, partition: "all", cpus: 8, memoryMB: 32_000, features: [], lanesPerNode: 2
                )
            ],
            partitions: [.init(name: "all", isDefault: true, maxTime: 86_400, defaultTime: 3600)], drainNode: "",
            flakyNode: "", maintenanceNode: "")
        let (database, directory) = try await simulatedDatabase(hours: 2, layout: layout)
        defer { directory.remove() }
        for (command, options) in readingCommands where command != "inspect" && command != "why" {
            let reply = try await run(command, options, on: database, cluster: "demo")
            #expect(!reply.ephemeral, "/\(command): \(reply.text)")
        }
        let heatmap = try await run("heatmap", [("hours", "2")], on: database, cluster: "demo")
        #expect(heatmap.embed?.description?.hasSuffix("\n1 node.") == true, "\(heatmap.text)")
        let inspect = try await run("inspect", [("node", "solo01")], on: database, cluster: "demo")
        #expect(inspect.embed?.title == "Node solo01", "\(inspect.text)")
        let similar = try await run("inspect", [("node", "solo1")], on: database, cluster: "demo")
        #expect(similar.text.contains("Similar: solo01"), "\(similar.text)")
    }
}
