import FixtureSupport
import Foundation
import Testing

@testable import Poller
@testable import SlurmbotSettings

@Suite("Discord settings: public key, listen address, path, window, guilds")
struct DiscordSettingsTests {
    @Test("defaults, and good values read back")
    func values() throws {
        let empty = Settings(values: [:])
        #expect(try empty.listenAddress() == ("127.0.0.1", 8080))
        #expect(try empty.interactionsPath() == "/interactions" && (try empty.timestampWindow()) == 300)
        #expect(try empty.guildIDs().isEmpty && empty.discordAPIBase == "https://discord.com/api/v10")
        let set = Settings(values: [
            "DISCORD_PUBLIC_KEY": String(repeating: "aB", count: 32), "SLURMBOT_LISTEN": "[::]:443",
            "SLURMBOT_INTERACTIONS_PATH": "/discord", "DISCORD_TIMESTAMP_WINDOW": "0",
            "DISCORD_GUILD_IDS": " 123, 456 ,",
        ])
        #expect(try set.discordPublicKey().count == 64)
        #expect(try set.listenAddress() == ("::", 443))
        #expect(try set.interactionsPath() == "/discord" && (try set.timestampWindow()) == 0)
        #expect(try set.guildIDs() == ["123", "456"])
        #expect(Settings.parseListenAddress("::1:80") == nil && Settings.parseListenAddress("h:99999") == nil)
        #expect(Settings.parseListenAddress("0.0.0.0:0")! == ("0.0.0.0", 0))
        // As a container secret or a systemd credential hands it over: a file, with its trailing newline.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try (String(repeating: "0f", count: 32) + "\n").write(
            toFile: directory.file("key"), atomically: true, encoding: .utf8)
        let fromFile = Settings(values: ["DISCORD_PUBLIC_KEY_FILE": directory.file("key")])
        #expect(try fromFile.discordPublicKey() == String(repeating: "0f", count: 32))
    }

    @Test(
        "bad values name the setting",
        arguments: [
            ([:], "DISCORD_PUBLIC_KEY is not set"),
            (["DISCORD_PUBLIC_KEY": "abc"], "DISCORD_PUBLIC_KEY must be 64 hex digits"),
            (["DISCORD_PUBLIC_KEY": String(repeating: "g", count: 64)], "DISCORD_PUBLIC_KEY must be 64 hex digits"),
        ])
    func badKeys(values: [String: String], message: String) {
        #expect { try Settings(values: values).discordPublicKey() } throws: {
            ($0 as? SettingsError)?.description.hasPrefix(message) == true
        }
    }

    @Test("bad addresses, paths, windows and guild lists are refused")
    func badOthers() throws {
        #expect(throws: SettingsError.self) { try Settings(values: ["SLURMBOT_LISTEN": "8080"]).listenAddress() }
        #expect(throws: SettingsError.self) {
            try Settings(values: ["SLURMBOT_INTERACTIONS_PATH": "interactions"]).interactionsPath()
        }
        #expect(throws: SettingsError.self) {
            try Settings(values: ["DISCORD_TIMESTAMP_WINDOW": "-5"]).timestampWindow()
        }
        #expect(throws: SettingsError.self) { try Settings(values: ["DISCORD_GUILD_IDS": "123,abc"]).guildIDs() }
        #expect(
            throws: SettingsError("DISCORD_INSPECT_ROLES must list role ids (digits) separated by commas, got 'admins'")
        ) { try Settings(values: ["DISCORD_INSPECT_ROLES": "42, admins"]).inspectRoles() }
        #expect(try Settings(values: ["DISCORD_INSPECT_ROLES": "42, 43"]).inspectRoles() == ["42", "43"])
    }
}
