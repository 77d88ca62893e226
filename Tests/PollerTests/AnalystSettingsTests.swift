import Analyst
import AnalystModels
import Logging
import Testing

@testable import SlurmbotSettings

@Suite("the analyst's settings: which backend, checked with messages that name the setting and never the key")
struct AnalystSettingsTests {
    let logger = Logger(label: "test")

    @Test("auto picks Gemini with a key, the OpenAI-compatible server with a base, else built-in")
    func auto() throws {
        #expect(try Settings(values: [:]).analyst(logger: logger).author == "built-in")
        #expect(try Settings(values: ["GEMINI_API_KEY": "k"]).analyst(logger: logger).author == "Gemini 2.5 Flash")
        let local = try Settings(values: ["OPENAI_API_BASE": "http://127.0.0.1:11434", "OPENAI_MODEL": "llama3.1"])
            .analyst(logger: logger)
        #expect(local.author == "llama3.1 (OpenAI-compatible)")
        let chosen = try Settings(values: ["SLURMBOT_ANALYST": "builtin", "GEMINI_API_KEY": "k"]).analyst(
            logger: logger)
        #expect(chosen.author == "built-in")
    }

    @Test(
        "bad settings are refused by name, without repeating a value that may hold a key",
        arguments: [
            (["SLURMBOT_ANALYST": "gpt"], "SLURMBOT_ANALYST must be"),
            (["SLURMBOT_ANALYST": "gemini"], "needs GEMINI_API_KEY"),
            (["OPENAI_API_BASE": "http://h"], "needs OPENAI_MODEL"),
            (["GEMINI_API_KEY": "k", "GEMINI_API_BASE": "https://x/?key=SECRETKEY"], "GEMINI_API_BASE must be"),
            (["GEMINI_API_KEY": "k", "SLURMBOT_AI_ANONYMIZE": "maybe"], "SLURMBOT_AI_ANONYMIZE must be 0 or 1"),
            (["SLURMBOT_SUMMARY_CHANNEL_ID": "general"], "SLURMBOT_SUMMARY_CHANNEL_ID must be"),
        ])
    func refused(values: [String: String], message: String) throws {
        let settings = Settings(values: values)
        do {
            _ = try settings.analyst(logger: logger)
            _ = try settings.summaryChannel()
            Issue.record("accepted \(values)")
        } catch {
            #expect(error.description.contains(message), "\(error)")
            #expect(!error.description.contains("SECRETKEY"))
        }
    }
}
