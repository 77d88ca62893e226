import Logging
import Remote
import SlurmbotSettings
import Testing

@Suite("MCP settings: the token, the origins, submission")
struct MCPSettingsTests {
    static let logger = Logger(label: "test")

    @Test("no token leaves /mcp off; a short or spaced one is refused without being shown; origins are URLs")
    func token() throws {
        #expect(try Settings(values: [:]).mcpToken() == nil)
        let strong = String(repeating: "ab12", count: 8)
        #expect(try Settings(values: ["SLURMBOT_MCP_TOKEN": strong]).mcpToken() == strong)
        for weak in ["short", String(repeating: "a b ", count: 10)] {
            do {
                _ = try Settings(values: ["SLURMBOT_MCP_TOKEN": weak]).mcpToken()
                Issue.record("\(weak) was taken")
            } catch {
                #expect("\(error)".contains("at least 32") && !"\(error)".contains(weak))
            }
        }
        #expect(
            try Settings(values: ["SLURMBOT_MCP_ORIGINS": "https://a.example, http://127.0.0.1:3000"]).mcpOrigins()
                == ["https://a.example", "http://127.0.0.1:3000"])
        #expect(throws: SettingsError.self) {
            try Settings(values: ["SLURMBOT_MCP_ORIGINS": "a.example"]).mcpOrigins()
        }
    }

    @Test("submission off by default, on where the poll runs (ssh or local), refused for other sources and words")
    func submission() throws {
        #expect(try Settings(values: [:]).mcpSubmitRunner(logger: Self.logger) == nil)
        #expect(
            try Settings(values: ["SLURMBOT_MCP_ALLOW_SUBMIT": "1", "SLURM_SOURCE": "local"])
                .mcpSubmitRunner(logger: Self.logger) is LocalRunner)
        #expect(
            throws: SettingsError(
                "SLURMBOT_MCP_ALLOW_SUBMIT submits where the poll runs, so it needs SLURM_SOURCE=ssh or local "
                    + "(not simulated)")
        ) {
            try Settings(values: ["SLURMBOT_MCP_ALLOW_SUBMIT": "1", "SLURM_SOURCE": "simulated"])
                .mcpSubmitRunner(logger: Self.logger)
        }
        #expect(throws: SettingsError("SLURMBOT_MCP_ALLOW_SUBMIT must be 0 or 1, got 'maybe'")) {
            try Settings(values: ["SLURMBOT_MCP_ALLOW_SUBMIT": "maybe"]).mcpSubmitRunner(logger: Self.logger)
        }
    }
}
