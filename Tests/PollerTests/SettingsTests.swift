import FixtureSupport
import Foundation
import Testing

@testable import Poller
@testable import SlurmbotSettings

@Suite("settings from the environment and .env")
struct SettingsTests {
    @Test(".env is read, the environment wins, quotes and comments are handled")
    func dotEnv() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file(".env")
        try """
        # a comment
        SLURMBOT_DB=/srv/db.sqlite
        SLURMBOT_CLUSTER="hpc one"
        CHECK_INTERVAL='120'
        SLURMBOT_TIMEZONE=Europe/Lisbon

        SLURM_SOURCE=local
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let settings = try await Settings.load(
            environment: ["SLURM_SOURCE": "simulated", "SLURMBOT_RETENTION_DAYS": " "], dotEnvPath: file)
        #expect(settings.databasePath == "/srv/db.sqlite")
        #expect(settings.cluster == "hpc one")
        #expect(settings.checkInterval == 120)
        #expect(settings.source == "simulated")
        #expect(settings.retentionDays == 90, "a blank value means the default")
        #expect(settings.timeZone.identifier == "Europe/Lisbon")
    }

    @Test("defaults when nothing is set; a settings file that is named must exist")
    func defaults() async throws {
        let settings = try await Settings.load(environment: ["SLURMBOT_ENV_FILE": "/dev/null"])
        #expect(settings.databasePath == "data/slurmbot.db" && settings.cluster == "default")
        #expect(settings.source == "ssh" && settings.pollTimeout == 30 && settings.checkInterval == 300)
        await #expect {
            try await Settings.load(environment: ["SLURMBOT_ENV_FILE": "/nonexistent/.env"])
        } throws: { error in
            "\(error)".contains("SLURMBOT_ENV_FILE names /nonexistent/.env, which does not exist")
        }
    }

    @Test("secrets come from NAME or from the file NAME_FILE names")
    func secrets() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("password")
        try "s3cret\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(Settings(values: ["SLURM_SSH_PASSWORD_FILE": file]).secret("SLURM_SSH_PASSWORD") == "s3cret")
        #expect(
            Settings(values: ["SLURM_SSH_PASSWORD": "direct", "SLURM_SSH_PASSWORD_FILE": file]).secret(
                "SLURM_SSH_PASSWORD") == "direct")
        #expect(Settings(values: ["SLURM_SSH_PASSWORD_FILE": "/nonexistent"]).secret("SLURM_SSH_PASSWORD") == nil)
    }

    @Test(".env.example documents every configuration name the sources read")
    func everyNameDocumented() throws {
        let root = Fixtures.root.deletingLastPathComponent()
        let example = try String(contentsOf: root.appendingPathComponent(".env.example"), encoding: .utf8)
        let pattern = try Regex(
            #""((?:SLURMBOT|SLURM|DISCORD|GEMINI|OPENAI)_[A-Z0-9_]+|CHECK_INTERVAL|TARGET_CLUSTER_USER)""#)
        var names: Set<String> = []
        let sources = root.appendingPathComponent("Sources")
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let name = match.output[1].substring { names.insert(String(name)) }
            }
        }
        #expect(names.count > 20)
        for name in names.sorted() { #expect(example.contains(name), "\(name) is read but not in .env.example") }
    }
}
