import ClusterFacts
import Commands
import Endpoint
import FixtureSupport
import Foundation
import HTTPServer
import Logging
import MCP
import SlurmKit
import Store
import Testing

@testable import MCPServer

/// The MCP tools called in process: every tool on the lab's real output and on the simulated cluster, the numbers
/// against the slash commands', and what an agent (or whoever steers it) might send instead of arguments.
@Suite("MCP tools over the facts")
struct MCPToolTests {
    static func tools(_ database: Database, cluster: String) -> ClusterTools {
        ClusterTools(
            database: database, defaultCluster: cluster, timeZone: TimeZone(identifier: "UTC")!,
            logger: Logger(label: "test"), now: { Signer.now })
    }

    /// Every tool, with arguments that name what is in the database.
    static func goodCalls(_ tools: ClusterTools) async throws -> [(String, [String: Value])] {
        let nodes = try #require(try await tools.call("list_nodes", arguments: [:]).structuredContent?.objectValue)
        let node = try #require(nodes["nodes"]?.arrayValue?.first?.objectValue?["name"]?.stringValue)
        let jobs = try #require(
            try await tools.call("list_jobs", arguments: ["limit": 1000]).structuredContent?.objectValue?["jobs"]?
                .arrayValue)
        let job = try #require(jobs.first?.objectValue?["id"]?.stringValue)
        let pending =
            jobs.first { $0.objectValue?["state"]?.stringValue == "PENDING" }?.objectValue?["id"]?.stringValue ?? job
        return [
            ("cluster_status", [:]), ("list_partitions", [:]), ("list_nodes", ["min_free_cpus": 1]),
            ("get_node", ["name": .string(node)]), ("list_jobs", ["state": "running"]),
            ("get_job", ["job_id": .string(job)]), ("explain_pending", ["job_id": .string(pending)]),
            ("find_resources", ["cpus": 2, "mem": "1G", "time": "1:00:00"]),
            ("usage_history", ["metric": "cpus", "hours": 6]), ("recent_job_ends", ["hours": 168]),
        ]
    }

    @Test("every tool answers on the lab's real output and on the simulated cluster, with the data's age and a summary")
    func everyTool() async throws {
        let (lab, labDirectory) = try await labDatabase()
        defer { labDirectory.remove() }
        let (simulated, simulatedDirectory) = try await simulatedDatabase(hours: 2)
        defer { simulatedDirectory.remove() }
        for (database, cluster) in [(lab, "lab"), (simulated, "demo")] {
            let tools = Self.tools(database, cluster: cluster)
            #expect(tools.tools.map(\.name).count == 10)
            for tool in tools.tools {
                #expect(tool.annotations.readOnlyHint == true, "\(tool.name)")
                #expect(tool.inputSchema.objectValue?["additionalProperties"] == .bool(false), "\(tool.name)")
            }
            for (name, arguments) in try await Self.goodCalls(tools) {
                let result = try await tools.call(name, arguments: arguments)
                let structured = result.structuredContent?.objectValue ?? [:]
                #expect(result.isError != true, "\(cluster) \(name): \(result.content)")
                #expect(structured["cluster"] == .string(cluster), "\(name)")
                #expect(structured["data_as_of"]?.stringValue?.hasSuffix("Z") == true, "\(name)")
                #expect(structured["age_seconds"]?.intValue.map { $0 >= 0 } == true, "\(name)")
                #expect(structured["summary"]?.stringValue?.isEmpty == false, "\(name)")
                #expect(result.content.count == 2, "words, then the same data as JSON")
            }
        }
    }

    @Test("cluster_status, list_partitions and find_resources give /status's and /canrun's numbers for the snapshot")
    func sameNumbersAsTheCommands() async throws {
        let (database, directory) = try await simulatedDatabase(hours: 2)
        defer { directory.remove() }
        let facts = try #require(try await database.read { try $0.latestFacts(cluster: "demo") })
        let tools = Self.tools(database, cluster: "demo")
        let status = try #require(try await tools.call("cluster_status", arguments: [:]).structuredContent?.objectValue)
        let usage = try #require(facts.usage(nil))
        #expect(status["cpus"] == ["allocated": .int(usage.cpusAllocated), "total": .int(usage.cpusTotal)])
        #expect(status["gpus"]?.objectValue?["used"] == .int(usage.gpusUsed))
        let free = facts.capacity.free(in: nil)
        #expect(status["free_now"]?.objectValue?["total"]?.objectValue?["cpus"] == .int(free.free.cpus))
        #expect(status["jobs"]?.objectValue?["waiting"] == .int(facts.jobs(nil).waiting))
        let words = try await run("status", on: database, cluster: "demo").text
        #expect(words.contains("\(usage.cpusAllocated) of \(usage.cpusTotal) CPUs"), "\(words)")

        let partitions = try #require(
            try await tools.call("list_partitions", arguments: [:]).structuredContent?.objectValue?["partitions"]?
                .arrayValue)
        for row in partitions {
            let name = try #require(row.objectValue?["name"]?.stringValue)
            let expected = facts.capacity.free(in: name).free
            #expect(row.objectValue?["free_now"]?.objectValue?["cpus"] == .int(expected.cpus), "\(name)")
            #expect(row.objectValue?["jobs_waiting"] == .int(facts.jobs(name).waiting), "\(name)")
            #expect(words.contains("**\(name)** \(expected.cpus) CPUs"), "/status says \(words)")
        }

        for (cpus, gpus) in [(2, 0), (16, 1), (100_000, 0)] {
            let fit = try #require(
                try await tools.call("find_resources", arguments: ["cpus": .int(cpus), "gpus": .int(gpus)])
                    .structuredContent?.objectValue)
            let answer = ResourceFit.answer(.init(cpus: cpus, gpus: gpus), facts: facts, in: nil)
            #expect(fit["starts_now"] == .bool(answer.startsNow) && fit["nodes_fitting_now"] == .int(answer.nowCount))
            let canrun = try await run(
                "canrun", [("cpus", "\(cpus)"), ("gpus", "\(gpus)")], on: database, cluster: "demo"
            ).text
            #expect(canrun.contains("Yes, now") == answer.startsNow, "\(canrun)")
        }
    }

    @Test("hostile arguments (shell metacharacters, huge strings, wrong types, unknown names) are tool errors")
    func hostileArguments() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let tools = Self.tools(database, cluster: "lab")
        let hostile: [(String, [String: Value], String)] = [
            ("get_node", ["name": "n1; rm -rf /"], "not a name Slurm would use"),
            ("get_node", ["name": .string(String(repeating: "n", count: 1_000_000))], "longer than 64"),
            ("get_node", ["name": 42], "must be a string"),
            ("get_node", ["name": ["n1"]], "must be a string"),
            ("get_node", [:], "needs name"),
            ("list_jobs", ["user": "$(id)"], "not a name"),
            ("list_jobs", ["partition": "debug\nsqueue"], "not a name"),
            ("list_jobs", ["user": "nobody-here"], "No user nobody-here"),
            ("explain_pending", ["job_id": "`reboot`"], "must be a job id"),
            ("get_job", ["job_id": "1 OR 1=1"], "must be a job id"),
            ("find_resources", ["cpus": "many"], "whole number"),
            ("find_resources", ["cpus": 1.5], "whole number"),
            ("find_resources", ["cpus": 0], "from 1 to"),
            ("find_resources", ["mem": "lots"], "size such as"),
            ("find_resources", ["time": "forever"], "time limit"),
            ("find_resources", ["cpus": 1, "nodes": 4], "one CPU per node"),
            ("usage_history", ["hours": 1_000_000], "from 1 to 720"),
            ("usage_history", ["metric": "rm"], "must be one of"),
            ("list_nodes", ["state": "idle' OR 1=1 --"], "must be one of"),
            ("cluster_status", ["command": "scancel -u root"], "takes no argument command"),
            ("cluster_status", ["partition": "nosuch"], "No partition nosuch"),
            ("cluster_status", ["cluster": "elsewhere"], "No cluster named elsewhere"),
        ]
        for (name, arguments, expected) in hostile {
            let result = try await tools.call(name, arguments: arguments)
            let text = result.content.map { "\($0)" }.joined()
            #expect(result.isError == true && text.contains(expected), "\(name) \(arguments): \(text.prefix(300))")
            #expect(result.structuredContent == nil)
        }
        #expect(!tools.tools.contains { $0.name == "submit_job" || $0.name == "plan_job" }, "off unless turned on")
        let off = try await tools.call("submit_job", arguments: ["script": "#!/bin/sh\nid\n"])
        #expect(off.isError == true && "\(off.content)".contains("SLURMBOT_MCP_ALLOW_SUBMIT=1"))
        let unknownNode = try await tools.call("get_node", arguments: ["name": "n01"])
        #expect("\(unknownNode.content)".contains("Close names: n1"), "\(unknownNode.content)")
        await #expect {
            _ = try await tools.call("status", arguments: [:])
        } throws: { error in
            "\(error)".contains("Did you mean cluster_status") && "\(error)".contains("recent_job_ends")
        }
    }

    @Test("resources: a status per cluster, nodes through the template; unknown ones refused")
    func resources() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let tools = Self.tools(database, cluster: "lab")
        let server = await tools.server()
        let (client, transport) = await Self.connected(server)
        let listed = try await client.listResources()
        #expect(listed.resources.map(\.uri) == ["slurm://lab/status"])
        let status = try await client.readResource(uri: "slurm://lab/status")
        let text = try #require(status.first?.text)
        #expect(text.contains(#""cluster":"lab""#) && text.contains(#""free_now""#))
        let node = try await client.readResource(uri: "slurm://lab/nodes/n1")
        #expect(node.first?.text?.contains(#""name":"n1""#) == true)
        for uri in ["slurm://lab/nodes/n1;id", "file:///etc/passwd", "slurm://lab/secrets"] {
            await #expect(throws: (any Error).self, "\(uri)") { _ = try await client.readResource(uri: uri) }
        }
        let prompt = try await client.getPrompt(name: "where_to_run", arguments: ["cpus": "2", "time": "1:00:00"])
        #expect("\(prompt.messages)".contains("find_resources"))
        await client.disconnect()
        await transport.disconnect()
    }

    static func connected(_ server: Server) async -> (Client, InMemoryTransport) {
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        try? await server.start(transport: serverSide)
        let client = Client(name: "test", version: "1")
        _ = try? await client.connect(transport: clientSide)
        return (client, clientSide)
    }
}

@Suite("/mcp over HTTP: bearer token, Origin, methods")
struct MCPHTTPRouteTests {
    static let token = String(repeating: "t0k3n", count: 8)

    static func route(_ database: Database) -> MCPHTTPRoute {
        MCPHTTPRoute(
            tools: MCPToolTests.tools(database, cluster: "lab"), token: token, origins: ["https://ok.example"],
            // What is tested is who is answered; a deadline of 4 s is missed when the whole suite starts at once.
            deadline: .seconds(60), logger: Logger(label: "test"))
    }

    static func post(
        _ body: String, authorization: [String] = ["Bearer " + token], origin: String? = nil, method: String = "POST"
    ) -> WireRequest {
        var headers: HTTPHeaders = [
            "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": "2025-06-18", "Host": "bot.example",
        ]
        for value in authorization { headers.add("Authorization", value) }
        if let origin { headers.add("Origin", origin) }
        return WireRequest(method: method, target: "/mcp", headers: headers, body: Array(body.utf8))
    }

    static let initialize =
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#

    @Test("only the token's bearer is answered; a web page's Origin must be listed; POST only")
    func access() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let route = Self.route(database)
        let refusals: [(WireRequest, Int)] = [
            (Self.post(Self.initialize, authorization: []), 401),
            (Self.post(Self.initialize, authorization: ["Bearer " + Self.token + "x"]), 401),
            (Self.post(Self.initialize, authorization: ["Bearer " + Self.token.dropLast()]), 401),
            (Self.post(Self.initialize, authorization: ["Basic " + Self.token]), 401),
            (Self.post(Self.initialize, authorization: ["Bearer " + Self.token, "Bearer " + Self.token]), 401),
            (Self.post(Self.initialize, origin: "https://evil.example"), 403),
            (Self.post("", method: "GET"), 405),
            (Self.post("not json"), 400),
        ]
        for (request, status) in refusals {
            let response = await route.respond(to: request)
            #expect(response.status.code == status, "\(request.headers) → \(response.status.code)")
            #expect(!String(decoding: response.body, as: UTF8.self).contains(Self.token))
        }
        let answered = await route.respond(to: Self.post(Self.initialize, origin: "https://ok.example"))
        #expect(answered.status.code == 200, "\(String(decoding: answered.body, as: UTF8.self))")
        let initialized = String(decoding: answered.body, as: UTF8.self)
        #expect(initialized.contains(#""name":"slurmbot""#), "\(initialized)")
        let call = await route.respond(
            to: Self.post(
                #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"cluster_status","arguments":{}}}"#))
        #expect(call.status.code == 200 && String(decoding: call.body, as: UTF8.self).contains(#"\"cluster\":\"lab\""#))
    }

    @Test("the token comparison is right for every length and takes no shortcut on the first wrong byte")
    func tokenComparison() {
        let token = Array("abcdefgh".utf8)
        #expect(MCPHTTPRoute.same(token, token))
        for given in ["", "abcdefg", "abcdefghi", "xbcdefgh", "abcdefgx", "ABCDEFGH"] {
            #expect(!MCPHTTPRoute.same(Array(given.utf8), token), "\(given)")
        }
    }

    @Test("/mcp is not found when the site has not turned it on")
    func offByDefault() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let endpoint = endpoint(signer: Signer(), database: database)
        let response = await endpoint.respond(to: Self.post(Self.initialize))
        #expect(response.status.code == 404)
    }
}
