public import Analyst
import AnalystModels
import Foundation
public import Logging

/// The analyst's settings (names as in `.env.example`): which backend writes summaries and answers `/ask`.
extension Settings {
    /// `SLURMBOT_ANALYST`: `builtin`, `gemini`, `openai`, or `auto` (the default: Gemini when `GEMINI_API_KEY` is
    /// set, else the OpenAI-compatible server when `OPENAI_API_BASE` is, else built-in).
    public func analyst(logger: Logger) throws(SettingsError) -> any Analyst {
        let choice = (self["SLURMBOT_ANALYST"] ?? "auto").lowercased()
        let geminiKey = secret("GEMINI_API_KEY")
        let openAIBase = self["OPENAI_API_BASE"]
        let backend: String
        switch choice {
        case "auto": backend = geminiKey != nil ? "gemini" : openAIBase != nil ? "openai" : "builtin"
        case "builtin", "built-in", "gemini", "openai": backend = choice
        default: throw SettingsError("SLURMBOT_ANALYST must be auto, builtin, gemini or openai, got '\(choice)'")
        }
        let anonymize = try flag("SLURMBOT_AI_ANONYMIZE")
        let model: any LanguageModel
        switch backend {
        case "gemini":
            guard let geminiKey else { throw SettingsError("SLURMBOT_ANALYST=gemini needs GEMINI_API_KEY") }
            let base = self["GEMINI_API_BASE"] ?? "https://generativelanguage.googleapis.com"
            try checkURL(base, "GEMINI_API_BASE")
            let name = self["GEMINI_MODEL"] ?? "gemini-2.5-flash"
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-._".contains($0) }) else {
                throw SettingsError("GEMINI_MODEL must be a model name such as gemini-2.5-flash, got '\(name)'")
            }
            model = GeminiModel(model: name, base: base, key: geminiKey)
        case "openai":
            guard let openAIBase else {
                throw SettingsError("SLURMBOT_ANALYST=openai needs OPENAI_API_BASE (such as http://127.0.0.1:11434)")
            }
            try checkURL(openAIBase, "OPENAI_API_BASE")
            guard let name = self["OPENAI_MODEL"] else {
                throw SettingsError(
                    "OPENAI_API_BASE needs OPENAI_MODEL (the model the server serves, such as llama3.1)")
            }
            model = OpenAIModel(model: name, base: openAIBase, key: secret("OPENAI_API_KEY"))
        default:
            return BuiltInAnalyst()
        }
        return ModelAnalyst(model: model, anonymize: anonymize, logger: logger)
    }

    /// `SLURMBOT_SUMMARY_CHANNEL_ID`: where the poller posts the summary when the free resources change; nil = nowhere.
    public func summaryChannel() throws(SettingsError) -> String? {
        guard let channel = self["SLURMBOT_SUMMARY_CHANNEL_ID"] else { return nil }
        guard Self.isSnowflake(channel) else {
            throw SettingsError("SLURMBOT_SUMMARY_CHANNEL_ID must be a channel id (digits), got '\(channel)'")
        }
        return channel
    }

    /// `SLURMBOT_SUMMARY_EVERY`: at most one posted summary per this many seconds (1800 by default).
    public func summaryEvery() throws(SettingsError) -> Int {
        guard let text = self["SLURMBOT_SUMMARY_EVERY"] else { return 1800 }
        guard let seconds = Int(text), seconds >= 0 else {
            throw SettingsError("SLURMBOT_SUMMARY_EVERY must be a number of seconds, got '\(text)'")
        }
        return seconds
    }

    func flag(_ name: String) throws(SettingsError) -> Bool {
        switch self[name]?.lowercased() {
        case nil, "0", "false", "no", "off": false
        case "1", "true", "yes", "on": true
        case let other?: throw SettingsError("\(name) must be 0 or 1, got '\(other)'")
        }
    }

    func checkURL(_ text: String, _ name: String) throws(SettingsError) {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
            url.query == nil, url.user == nil
            // The value is not repeated: a URL with a query or credentials in it may hold a key.
        else { throw SettingsError("\(name) must be an http(s) URL without a query or credentials") }
    }
}
