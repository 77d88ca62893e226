import DiscordFake
import Foundation
import HTTPServer
import Testing

@testable import DiscordModels
@testable import DiscordAPI

/// A PNG signature and a few bytes: enough for Discord's (and the fake's) type check.
let fakePNG: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]

@Suite("Discord's REST API through the loopback fake: follow-ups, uploads, rate limits, refusals", .serialized)
struct DiscordClientTests {
    @Test("a deferred reply is finished with PATCH …/messages/@original as JSON")
    func editAsJSON() async throws {
        let fake = try FakeDiscord()
        let client = DiscordClient(baseURL: fake.baseURL)
        try await client.editOriginalResponse(
            applicationID: "42", interactionToken: "tok",
            message: MessagePayload(content: "done", allowedMentions: .nobody))
        let request = try #require(fake.requests.first)
        #expect(request.method == "PATCH" && request.path == "/api/v10/webhooks/42/tok/messages/@original")
        #expect(request.problems.isEmpty, "\(request.problems)")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Authorization"] == nil, "webhook calls need no bot token")
        #expect(request.json?["content"] as? String == "done")
        #expect((request.json?["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        await fake.shutdown()
    }

    @Test("PNG attachments go as multipart: payload_json first, files[n] with names and types, listed by id")
    func editWithFiles() async throws {
        let fake = try FakeDiscord()
        let client = DiscordClient(baseURL: fake.baseURL)
        let files = [
            DiscordFile(filename: "history.png", data: fakePNG + [1, 2, 3], description: "nodes over 24 h"),
            DiscordFile(filename: "heat\"map\r\n.png", data: fakePNG),
        ]
        let embed = Embed(title: "History", image: .init(url: "attachment://history.png"))
        try await client.editOriginalResponse(
            applicationID: "42", interactionToken: "tok", message: MessagePayload(embeds: [embed]), files: files)
        let request = try #require(fake.requests.first)
        #expect(request.problems.isEmpty, "\(request.problems)")
        let parts = try #require(request.parts)
        #expect(parts.map(\.name) == ["payload_json", "files[0]", "files[1]"])
        #expect(
            parts[1].filename == "history.png" && parts[1].contentType == "image/png"
                && parts[1].body == fakePNG + [1, 2, 3])
        #expect(parts[2].filename == "heat_map__.png", "quotes and line breaks cannot break the header")
        let attachments = try #require(request.json?["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["filename"] as? String } == ["history.png", "heat_map__.png"])
        #expect(attachments.first?["description"] as? String == "nodes over 24 h")
        await fake.shutdown()
    }

    @Test("429: the retry waits retry_after; a global 429 holds every route; an empty bucket waits for its reset")
    func rateLimits() async throws {
        let fake = try FakeDiscord()
        let client = DiscordClient(baseURL: fake.baseURL)
        fake.script(.rateLimited(after: 0.4))
        try await client.createFollowUp(
            applicationID: "1", interactionToken: "a", message: MessagePayload(content: "x"))
        var requests = fake.requests
        #expect(requests.count == 2)
        #expect(requests[1].at - requests[0].at >= .milliseconds(400))

        fake.script(.rateLimited(after: 0.3, global: true))
        try await client.createFollowUp(
            applicationID: "1", interactionToken: "b", message: MessagePayload(content: "x"))
        requests = fake.requests
        #expect(requests[3].at - requests[2].at >= .milliseconds(300))

        fake.addHeaders(
            [
                "X-RateLimit-Bucket": "abc", "X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": "0.5",
            ],
            onPathsStartingWith: "/api/v10/webhooks/1/c")
        try await client.createFollowUp(
            applicationID: "1", interactionToken: "c", message: MessagePayload(content: "1"))
        try await client.createFollowUp(
            applicationID: "1", interactionToken: "c", message: MessagePayload(content: "2"))
        requests = fake.requests
        #expect(requests[5].at - requests[4].at >= .milliseconds(450))
        await fake.shutdown()
    }

    @Test("5xx is retried; a 4xx with a Discord code is final and named; a 401 on the bot token stops bot calls")
    func refusals() async throws {
        let fake = try FakeDiscord()
        let client = DiscordClient(baseURL: fake.baseURL, botToken: "wrong-token")
        fake.script(FakeDiscord.Reply(status: 500), FakeDiscord.Reply(status: 502))
        try await client.createFollowUp(
            applicationID: "1", interactionToken: "t", message: MessagePayload(content: "x"))
        #expect(fake.requests.count == 3)

        fake.script(FakeDiscord.Reply(status: 404, body: #"{"message": "Unknown interaction", "code": 10062}"#))
        let gone = await #expect(throws: DiscordError.self) {
            try await client.editOriginalResponse(
                applicationID: "1", interactionToken: "t", message: MessagePayload(content: "x"))
        }
        #expect(gone?.discordCode == 10062 && fake.requests.count == 4)

        let refused = await #expect(throws: DiscordError.self) {
            try await client.replaceCommands(
                applicationID: "1", commands: [CommandDefinition(name: "help", description: "Help")])
        }
        #expect(refused == .unauthorized && !(refused?.description.contains("wrong-token") ?? true))
        let again = await #expect(throws: DiscordError.self) {
            try await client.replaceCommands(applicationID: "1", commands: [])
        }
        #expect(again == .unauthorized)
        #expect(fake.requests.count == 5, "after a refused token, no further bot-token request goes out")

        fake.script(
            FakeDiscord.Reply(status: 503), FakeDiscord.Reply(status: 503), FakeDiscord.Reply(status: 503),
            FakeDiscord.Reply(status: 503))
        let down = await #expect(throws: DiscordError.self) {
            try await client.createFollowUp(
                applicationID: "1", interactionToken: "t", message: MessagePayload(content: "x"))
        }
        #expect(down?.description.contains("after 4 attempts") == true)
        await fake.shutdown()
    }

    @Test("command registration: the bot token, guild or global path, and what Discord stored")
    func registration() async throws {
        let fake = try FakeDiscord(botToken: "good")
        let client = DiscordClient(baseURL: fake.baseURL, botToken: "good")
        let commands = [
            CommandDefinition(
                name: "status", description: "Cluster status",
                options: [OptionDefinition(.string, "partition", "Which partition", autocomplete: true)])
        ]
        let stored = try await client.replaceCommands(applicationID: "7", guildID: "99", commands: commands)
        #expect(stored.count == 1)
        let request = try #require(fake.requests.last)
        #expect(request.method == "PUT" && request.path == "/api/v10/applications/7/guilds/99/commands")
        #expect(request.headers["Authorization"] == "Bot good" && request.problems.isEmpty)
        _ = try await client.replaceCommands(applicationID: "7", commands: commands)
        #expect(fake.requests.last?.path == "/api/v10/applications/7/commands")
        await fake.shutdown()
    }
}
