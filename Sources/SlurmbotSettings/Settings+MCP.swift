import Foundation
public import Logging
public import Remote

extension Settings {
    /// `SLURMBOT_MCP_TOKEN` (or `SLURMBOT_MCP_TOKEN_FILE`): the bearer token agents send to `/mcp`; nil leaves the
    /// route off. Short tokens are refused: the route reads everything the bot knows.
    public func mcpToken() throws(SettingsError) -> String? {
        guard let token = secret("SLURMBOT_MCP_TOKEN") else { return nil }
        guard token.utf8.count >= 32, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SettingsError(
                "SLURMBOT_MCP_TOKEN must be at least 32 printable characters without spaces "
                    + "(openssl rand -hex 32 makes one)")
        }
        return token
    }

    /// `SLURMBOT_MCP_ORIGINS`: the web origins (`https://host`) whose pages may call `/mcp`, comma separated; none
    /// by default (agents that are not browsers send no Origin).
    public func mcpOrigins() throws(SettingsError) -> Set<String> {
        let origins = (self["SLURMBOT_MCP_ORIGINS"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for origin in origins where !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) {
            throw SettingsError("SLURMBOT_MCP_ORIGINS must list origins such as https://example.org, got '\(origin)'")
        }
        return Set(origins)
    }
}

extension Settings {
    /// `SLURMBOT_MCP_ALLOW_SUBMIT=1`: where `plan_job` and `submit_job` run `sbatch`: where the poll runs
    /// (`SLURM_SOURCE` ssh or local), as the poll's account; nil (the default) leaves them off.
    public func mcpSubmitRunner(logger: Logger) throws(SettingsError) -> (any ScriptRunner)? {
        guard try flag("SLURMBOT_MCP_ALLOW_SUBMIT") else { return nil }
        return try runnerWherePollRuns(for: "SLURMBOT_MCP_ALLOW_SUBMIT submits", logger: logger)
    }
}
