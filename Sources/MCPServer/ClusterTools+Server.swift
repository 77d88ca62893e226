public import MCP

extension ClusterTools {
    /// What an agent is told when it connects.
    static let instructions = """
        slurmbot reads a Slurm cluster's latest snapshot (taken by its poller every few minutes) and its history. \
        Every answer says which cluster, when the data was taken and how old it is; never present a number as \
        newer than that. Start with cluster_status; find_resources answers "where and when can this job run". \
        The read tools only read; plan_job and submit_job, where listed, hand a job to Slurm.
        """

    /// An MCP server with the tools, resources and prompt, started on `transport`; the client's name is kept for
    /// the log of submissions.
    public func serve(_ transport: any Transport) async throws -> Server {
        let server = await server()
        let clientName = self.clientName
        try await server.start(transport: transport) { client, _ in
            clientName.set(String((client.title ?? client.name).prefix(100)) + " " + String(client.version.prefix(20)))
        }
        return server
    }

    /// An MCP server with the tools, resources and prompt registered, ready for a transport.
    public func server() async -> Server {
        let server = Server(
            name: "slurmbot", version: "1.0", title: "slurmbot: a Slurm cluster's state",
            instructions: Self.instructions,
            capabilities: .init(
                prompts: .init(listChanged: false), resources: .init(listChanged: false),
                tools: .init(listChanged: false)))
        let tools = self
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools.tools) }
        await server.withMethodHandler(CallTool.self) { params in
            try await tools.call(params.name, arguments: params.arguments)
        }
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(resources: try await tools.resources())
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: Self.templates)
        }
        await server.withMethodHandler(ReadResource.self) { params in
            ReadResource.Result(contents: [try await tools.read(params.uri)])
        }
        await server.withMethodHandler(ListPrompts.self) { _ in ListPrompts.Result(prompts: [WhereToRun.prompt]) }
        await server.withMethodHandler(GetPrompt.self) { params in
            guard params.name == WhereToRun.prompt.name else {
                throw MCPError.invalidParams(
                    "Unknown prompt \(String(params.name.prefix(64))); the prompt is \(WhereToRun.prompt.name).")
            }
            return try await WhereToRun.messages(params.arguments ?? [:], tools: tools)
        }
        return server
    }
}
