import Analyst
import AnalystFake
import AnalystModels
import ClusterFacts
import DiscordFake
import DiscordModels
import Endpoint
import FixtureSupport
import Foundation
import Logging
import Poller
import Remote
import Store
import Testing

@testable import Commands

/// `/summary` and `/ask` as users meet them: from the built-in analyst and from a loopback Gemini, within
/// Discord's deadlines, with the same numbers as the other commands.
@Suite("/summary and /ask: the analyst's answers, their authors, their deadlines", .serialized)
struct AnalystCommandTests {
    let signer = Signer()

    @Test("each poll that changes the free resources leaves a summary; /summary shows it with its author and age")
    func summary() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let stored = try #require(try await database.read { try $0.latestSummary(cluster: "lab") })
        #expect(stored.author == "built-in" && !stored.posted)
        let reply = try await run("summary", on: database)
        let text = try #require(reply.message.embeds?.first?.description)
        #expect(text.hasPrefix(stored.text) && text.contains("Written by built-in from data 1 min old"))
        let poller = Poller(
            runner: FixtureRunner(directory: Fixtures.path("lab-22.05")), database: database, cluster: "lab",
            logger: Logger(label: "test"))
        #expect(await poller.summarize(now: Signer.now + 300) == nil, "nothing changed: no new summary")
        let partition = try await run("summary", [("partition", "gpu")], on: database)
        #expect(partition.message.embeds?.first?.title == "Summary of lab, partition gpu")
        #expect(try await run("summary", [("partition", "nope")], on: database).ephemeral)
    }

    @Test("the tools answer with the commands' own words and refuse what the commands refuse")
    func toolbox() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let interaction = try JSONDecoder().decode(Interaction.self, from: Data(Signer.command("ask").utf8))
        let context = CommandContext(
            interaction: interaction, database: database, now: Signer.now, timeZone: TimeZone(identifier: "UTC")!,
            defaultCluster: "lab")
        let toolbox = CommandToolbox(context)
        let status = await toolbox.call(ToolCall(name: "cluster_status"))
        let command = try await run("status", on: database)
        let headline = try #require(command.message.embeds?.first?.description?.prefix(60))
        #expect(status.ok && status.text.contains(headline))
        for hostile: [String: JSONValue] in [
            ["cpus": .string("1;reboot")], ["partition": .string("$(id)")], ["nodes": .array([])],
            ["shell": .string("rm -rf /")], ["time": .string(String(repeating: "9", count: 5000))],
        ] {
            let refused = await toolbox.call(ToolCall(name: "find_resources", arguments: .object(hostile)))
            #expect(!refused.ok, "\(hostile) → \(refused.text)")
        }
        #expect(!(await toolbox.call(ToolCall(name: "get_node", arguments: .object(["name": .string("../x")])))).ok)
        #expect(!(await toolbox.call(ToolCall(name: "submit_job"))).ok)
    }

    @Test("/ask with a model that never answers: type 5 within Discord's 3 s, then the built-in answer as the edit")
    func hungModel() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let model = try FakeModelServer()
        model.script(.init(body: "{}", delay: .seconds(30)))
        let fake = try FakeDiscord()
        let analyst = ModelAnalyst(
            model: GeminiModel(base: model.baseURL, key: model.key), askTimeout: .seconds(3),
            logger: Logger(label: "test"))
        let endpoint = endpoint(
            signer: signer, database: database, discordBase: fake.baseURL, deferAfter: .seconds(2), analyst: analyst)
        let clock = ContinuousClock()
        let started = clock.now
        let response = await endpoint.respond(
            to: signer.request(
                Signer.command("ask", options: [("question", "is there a free GPU?")], token: "asktoken")))
        #expect(response.json?["type"] as? Int == 5)
        #expect(clock.now - started < .seconds(3), "deferred in \(clock.now - started)")
        let edit = try #require(await fake.edit(token: "asktoken", timeout: .seconds(10)))
        let text = String(decoding: edit.body, as: UTF8.self)
        #expect(text.contains("Written by built-in") && text.contains("could not be checked"), "\(text)")
        await endpoint.finishDeferredReplies(timeout: .seconds(2))
        await fake.shutdown()
        await model.shutdown()
    }

    @Test("/ask through a loopback Gemini: the model's words, its name, and numbers /status also shows")
    func throughGemini() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let model = try FakeModelServer()
        let endpoint = endpoint(
            signer: signer, database: database,
            analyst: ModelAnalyst(model: GeminiModel(base: model.baseURL, key: model.key), logger: Logger(label: "t")))
        let response = await endpoint.respond(
            to: signer.request(Signer.command("ask", options: [("question", "how busy is the cluster?")])))
        let data = try #require(response.json?["data"] as? [String: Any])
        let description = try #require((data["embeds"] as? [[String: Any]])?.first?["description"] as? String)
        #expect(description.contains("Written by Gemini 2.5 Flash"), "\(description)")
        let status = try await run("status", on: database)
        let firstLine = try #require(description.split(separator: "\n").first)
        #expect(status.message.embeds?.first?.description?.contains(firstLine) == true, "\(firstLine)")
        let problems = model.requests.flatMap(\.problems)
        #expect(problems.isEmpty)
        await model.shutdown()
    }

    @Test("the poller queues a summary for the summary channel once, then not within SLURMBOT_SUMMARY_EVERY")
    func posted() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        try await database.run { try $0.execute("DELETE FROM summaries") }
        let poller = Poller(
            runner: FixtureRunner(directory: Fixtures.path("lab-22.05")), database: database, cluster: "lab",
            summaries: SummarySettings(channel: "900", every: 1800), logger: Logger(label: "test"))
        let summary = await poller.summarize(now: Signer.now)
        #expect(summary?.posted == true)
        try await database.run { try $0.execute("UPDATE summaries SET change_key = 'changed'") }
        let soon = await poller.summarize(now: Signer.now + 600)
        #expect(soon != nil && soon?.posted == false, "written, but within 30 min of the last post")
        let outbox = try await database.read { try $0.outbox(cluster: "lab") }.filter {
            $0.dedupKey.hasPrefix("summary:")
        }
        #expect(outbox.count == 1 && outbox.first?.target == "900" && outbox.first?.destination == .channel)
        #expect(outbox.first?.payload.contains("Summary of lab") == true)
    }
}
