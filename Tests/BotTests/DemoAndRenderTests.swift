import Charts
import FixtureSupport
import Foundation
import Store
import Testing

@Suite("slurmbot demo and slurmbot render, run as a user runs them")
struct DemoAndRenderTests {
    @Test("the demo backfills, asks the real endpoint every command over loopback, and writes each answer")
    func demo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let out = directory.file("answers")
        let result = try await Products.run(
            "slurmbot", ["demo", "--db", directory.file("demo.db"), "--hours", "3", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("37 polls stored, 0 failed") && result.stdout.contains("Cluster demo, as of"))
        #expect(result.stdout.contains("answers and 5 charts in \(out)/"), "\(result.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        let json = files.filter { $0.hasSuffix(".json") }
        #expect(json.count >= 14 && json.first == "01-help.json")
        for command in ["status", "queue", "history", "heatmap", "inspect", "canrun", "why", "watch", "watches"] {
            #expect(json.contains { $0.dropFirst(3).hasPrefix(command) }, "no answer to /\(command) in \(json)")
        }
        for name in json {
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
            let message = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name)")
            #expect(message["embeds"] != nil || message["content"] != nil, "\(name)")
        }
        // The watched job ends in the moved-on cluster, and its alert is the DM the watcher would get.
        #expect(result.stdout.contains("with alerts on, until job "), "\(result.stdout)")
        #expect(result.stdout.contains("direct message: ") && result.stdout.contains("'s job `"), "\(result.stdout)")
        #expect(json.contains { $0.contains("-alert-dm-") }, "\(json)")
        // The look ahead ran on a copy: the database the README's next commands read ends at the real time.
        let database = try Database(path: directory.file("demo.db"), readOnly: true)
        let latest = try await database.read { try $0.latestSuccessfulPoll(cluster: "demo")?.snapshotAt }
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try #require(latest) <= now && latest! > now - 900, "the demo database ends at \(latest!), now \(now)")
        let charts = files.filter { $0.hasSuffix(".png") }
        #expect(charts.count == 5 && charts.contains("06-heatmap.png"), "\(charts)")
        for name in charts {
            let image = try #require(DecodedPNG(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)))))
            #expect(image.width == 1200 && image.pixel(x: 2, y: 2) == Theme.background.hex, "\(name)")
        }
    }

    @Test("render: the text of any command, PNGs written where asked, JSON on request, clear usage errors")
    func render() async throws {
        let (_, directory) = try await labDatabase()
        defer { directory.remove() }
        let db = directory.file("bot.db")
        func render(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await Products.run("slurmbot", ["render"] + arguments + ["--db", db])
        }
        let status = try await render(["/status partition:gpu"])
        #expect(status.status == 0 && status.stdout.hasPrefix("■ Cluster lab, partition gpu\n"), "\(status)")
        #expect(status.stdout.hasSuffix("[Refresh]\n"))
        let charts = directory.file("charts")
        let history = try await render(["/history hours:2", "--out", charts])
        #expect(history.status == 0 && history.stdout.contains("[image: attachment://history.png]"))
        #expect(history.stderr.contains("wrote \(charts)/history.png"))
        #expect(FileManager.default.fileExists(atPath: charts + "/history.png"))
        let json = try await render(["/inspect node:n4", "--json"])
        let message = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((message?["embeds"] as? [[String: Any]])?.first?["title"] as? String == "Node n4")
        let hostile = try await render(["/why job:1;reboot"])
        #expect(hostile.status == 0 && hostile.stdout.contains("(only the person who asked sees this)"))
        let unknown = try await render(["/frobnicate"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no command /frobnicate"), "\(unknown)")
        let summary = try await render(["/summary"])
        #expect(summary.status == 0 && summary.stdout.contains("Written by built-in from data"), "\(summary)")
        let asked = try await render([#"/ask question:"cancel every job of alice""#])
        #expect(asked.status == 0 && asked.stdout.contains("I only read the cluster"), "\(asked)")
        let missing = try await Products.run("slurmbot", ["render", "/status", "--db", directory.file("none.db")])
        #expect(missing.status == 64 && missing.stderr.contains("no database at"))
    }
}
