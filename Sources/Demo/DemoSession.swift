public import Analyst
import Commands
import DiscordAPI
import DiscordFake
public import DiscordModels
import Endpoint
public import Foundation
import HTTPClient
import HTTPServer
public import Logging
import SlurmKit
public import Store

/// One command of the demo and what Discord would have shown for it.
public struct DemoAnswer: Sendable {
    public var command: String
    /// 4: answered at once; 5: deferred, then finished by an edit (every chart goes that way).
    public var responseType: Int
    /// The message as JSON, as Discord receives it.
    public var messageJSON: [UInt8]
    public var files: [DiscordFile]
    /// A line that says what came back: the embed's title, or the text.
    public var headline: String
}

/// `slurmbot demo` after the backfill: the real endpoint on loopback with a fresh key pair, sent each slash command
/// signed as Discord signs it, over HTTP; deferred replies land on the tests' fake Discord, which checks them as
/// Discord would.
public struct DemoSession: Sendable {
    public var database: Database
    public var cluster: String
    public var timeZone: TimeZone
    public var logger: Logger

    public init(database: Database, cluster: String, timeZone: TimeZone, logger: Logger) {
        self.database = database
        self.cluster = cluster
        self.timeZone = timeZone
        self.logger = logger
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every available command at least once, with options that show something: a node that is out of service
    /// (or else a busy one), a GPU node, a waiting job, a running job to watch.
    public func commands() async throws -> [String] {
        let cluster = self.cluster
        let (nodes, pending, running) = try await database.run { connection in
            (
                try connection.currentNodes(cluster: cluster),
                try connection.jobs(cluster: cluster, filter: JobFilter(states: [.pending], limit: 1)).first,
                try connection.jobs(cluster: cluster, filter: JobFilter(states: [.running], limit: 1)).first
            )
        }
        let outOfService = nodes.first { [.drained, .draining, .down].contains($0.state.category) }
        let inspected = outOfService ?? nodes.max { $0.cpusAllocated < $1.cpusAllocated }
        let gpuPartition = nodes.first { $0.gpusTotal > 0 }?.partitions.first
        var commands = ["/help", "/status", "/queue", "/history", "/history metric:cpus", "/heatmap"]
        if let gpuPartition {
            commands += [
                "/status partition:\(gpuPartition)", "/queue partition:\(gpuPartition)",
                "/history metric:gpus partition:\(gpuPartition)", "/heatmap hours:6 partition:\(gpuPartition)",
                "/canrun cpus:16 gpus:1",
            ]
        }
        if let inspected { commands.append("/inspect node:\(inspected.name)") }
        commands += ["/canrun cpus:4 mem:8G", #"/canrun cpus:48 mem:180G time:"2-00:00:00""#]
        if let pending { commands.append("/why job:\(pending.job.displayID)") }
        if let running { commands.append("/watch job:\(running.job.displayID) warn:true") }
        commands.append("/watches")
        commands += [
            "/summary", #"/ask question:"is there a free GPU?""#,
            #"/ask question:"where can I run 32 CPUs with 128G for 4 hours?""#,
        ]
        if let pending { commands.append(#"/ask question:"why is job \#(pending.job.displayID) waiting?""#) }
        return commands
    }

    /// The question the demo asks a model (a loopback Gemini), after the built-in analyst's.
    public static let modelQuestion = #"/ask question:"how busy is the cluster right now?""#

    /// Sends each command and collects the answers, calling `progress` after each.
    /// - Parameter analyst: who answers `/summary` and `/ask` (the built-in analyst unless given).
    public func run(
        _ commands: [String], analyst: any Analyst = BuiltInAnalyst(), progress: (DemoAnswer) throws -> Void
    ) async throws -> [DemoAnswer] {
        let key = SigningKey()
        let discord = try FakeDiscord()
        let endpoint = InteractionEndpoint(
            configuration: EndpointConfiguration(
                verifier: SignatureVerifier(publicKeyHex: key.publicKeyHex)!, timeZone: timeZone,
                defaultCluster: cluster, analyst: analyst),
            database: database, discord: DiscordClient(baseURL: discord.baseURL), logger: logger)
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: endpoint,
                logger: logger)
        } catch {
            await discord.shutdown()
            throw error
        }
        var answers: [DemoAnswer] = []
        var failure: (any Error)?
        for (index, text) in commands.enumerated() {
            do {
                let answer = try await exchange(
                    text, token: "demo-\(index)", key: key, url: "http://127.0.0.1:\(server.port)/interactions",
                    discord: discord)
                try progress(answer)
                answers.append(answer)
            } catch {
                failure = error
                break
            }
        }
        await endpoint.finishDeferredReplies(timeout: .seconds(10))
        await server.shutdown(grace: .seconds(1))
        await discord.shutdown()
        if let failure { throw failure }
        return answers
    }

    /// One command: signed, posted, and its answer (waiting for the edit when it was deferred).
    private func exchange(
        _ text: String, token: String, key: SigningKey, url: String, discord: FakeDiscord
    ) async throws -> DemoAnswer {
        let typed: TypedCommand
        do {
            typed = try TypedCommand(parsing: text)
        } catch {
            throw Failure(description: "\(text): \(error)")
        }
        let body = typed.interactionJSON(id: token, token: token, applicationID: "1", guild: "1", user: "1")
        let (signature, timestamp) = key.headers(for: body, timestamp: Int64(Date().timeIntervalSince1970))
        let response = try await HTTPClient(userAgent: "slurmbot-demo", concurrentTransfers: 1).execute(
            HTTPClientRequest(
                method: "POST", url: url,
                headers: [
                    ("Content-Type", "application/json"), ("X-Signature-Ed25519", signature),
                    ("X-Signature-Timestamp", timestamp),
                ], body: body, timeout: .seconds(30)))
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        guard response.status == 200, let type = json?["type"] as? Int else {
            throw Failure(description: "\(text): the endpoint answered \(response.status)")
        }
        var answer = DemoAnswer(command: typed.text, responseType: type, messageJSON: [], files: [], headline: "")
        if type == 5 {
            guard let edit = await discord.edit(token: token, timeout: .seconds(60)) else {
                throw Failure(description: "\(text): the deferred reply never arrived")
            }
            guard edit.problems.isEmpty, let payload = edit.payload else {
                throw Failure(
                    description: "\(text): Discord would refuse the reply: \(edit.problems.joined(separator: "; "))")
            }
            answer.messageJSON = payload
            answer.files = (edit.parts ?? []).compactMap { part in
                part.filename.map {
                    DiscordFile(
                        filename: $0, contentType: part.contentType ?? "application/octet-stream", data: part.body)
                }
            }
        } else {
            let data = json?["data"] ?? [String: Any]()
            answer.messageJSON = Array((try? JSONSerialization.data(withJSONObject: data)) ?? Data())
        }
        answer.headline = Self.headline(answer.messageJSON)
        return answer
    }

    static func headline(_ messageJSON: [UInt8]) -> String {
        let message = (try? JSONSerialization.jsonObject(with: Data(messageJSON))) as? [String: Any]
        let embed = (message?["embeds"] as? [[String: Any]])?.first
        let text = embed?["title"] as? String ?? message?["content"] as? String ?? ""
        let title = String(text.split(separator: "\n").first ?? "")
        // The analyst's answers are the words: show their first line and who wrote them.
        guard title.hasPrefix("❓") || title.hasPrefix("Summary of"),
            let description = embed?["description"] as? String
        else { return title }
        let lines = description.split(separator: "\n").map(String.init)
        let first = lines.first { !$0.isEmpty && !$0.hasPrefix("**") && !$0.hasPrefix("```") } ?? ""
        let byline = lines.last { $0.hasPrefix("-# Written by ") }.map { " (" + $0.dropFirst(3) + ")" } ?? ""
        return String(first.replacingOccurrences(of: "**", with: "").prefix(110)) + byline
    }
}
