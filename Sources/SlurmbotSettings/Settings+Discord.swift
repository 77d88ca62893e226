/// The Discord side of the configuration (names as in `.env.example`), checked with messages that name the setting.
extension Settings {
    /// `DISCORD_PUBLIC_KEY` (or `DISCORD_PUBLIC_KEY_FILE`, as containers and systemd credentials hand it over):
    /// the application's public key, 64 hex digits.
    public func discordPublicKey() throws(SettingsError) -> String {
        guard let key = secret("DISCORD_PUBLIC_KEY") else {
            throw SettingsError(
                "DISCORD_PUBLIC_KEY is not set: copy the application's public key from the Developer Portal")
        }
        guard key.utf8.count == 64,
            key.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
        else { throw SettingsError("DISCORD_PUBLIC_KEY must be 64 hex digits (the application's public key)") }
        return key
    }

    /// `SLURMBOT_LISTEN`: `HOST:PORT`, `[V6]:PORT`; 127.0.0.1:8080 by default.
    public func listenAddress() throws(SettingsError) -> (host: String, port: Int) {
        let text = self["SLURMBOT_LISTEN"] ?? "127.0.0.1:8080"
        guard let address = Self.parseListenAddress(text) else {
            throw SettingsError("SLURMBOT_LISTEN must be HOST:PORT or [IPv6]:PORT, got '\(text)'")
        }
        return address
    }

    public static func parseListenAddress(_ text: String) -> (host: String, port: Int)? {
        let host: Substring
        let port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") {
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            return nil
        }
        guard !host.isEmpty, let number = Int(port), (0...65_535).contains(number) else { return nil }
        return (String(host), number)
    }

    /// `SLURMBOT_INTERACTIONS_PATH`, `/interactions` by default.
    public func interactionsPath() throws(SettingsError) -> String {
        let path = self["SLURMBOT_INTERACTIONS_PATH"] ?? "/interactions"
        guard path.hasPrefix("/"), !path.contains("?"), !path.contains(" ") else {
            throw SettingsError("SLURMBOT_INTERACTIONS_PATH must be a path such as /interactions, got '\(path)'")
        }
        return path
    }

    /// `DISCORD_TIMESTAMP_WINDOW`: seconds, 300 by default, 0 = no check.
    public func timestampWindow() throws(SettingsError) -> Int {
        guard let text = self["DISCORD_TIMESTAMP_WINDOW"] else { return 300 }
        guard let seconds = Int(text), seconds >= 0 else {
            throw SettingsError("DISCORD_TIMESTAMP_WINDOW must be a number of seconds (0 = off), got '\(text)'")
        }
        return seconds
    }

    /// `DISCORD_GUILD_IDS`: comma-separated guild ids (snowflakes), or none.
    public func guildIDs() throws(SettingsError) -> Set<String> {
        try snowflakes("DISCORD_GUILD_IDS", of: "guild")
    }

    /// `DISCORD_INSPECT_ROLES`: role ids (comma separated) whose members may use `/inspect`; none = everyone.
    public func inspectRoles() throws(SettingsError) -> Set<String> {
        try snowflakes("DISCORD_INSPECT_ROLES", of: "role")
    }

    /// A comma-separated list of Discord ids, each checked.
    func snowflakes(_ name: String, of kind: String) throws(SettingsError) -> Set<String> {
        let ids = (self[name] ?? "").split(separator: ",").map { $0.trimmingOWS }.filter { !$0.isEmpty }
        for id in ids where !Self.isSnowflake(id) {
            throw SettingsError("\(name) must list \(kind) ids (digits) separated by commas, got '\(id)'")
        }
        return Set(ids)
    }

    /// `DISCORD_API_BASE`, Discord's v10 API by default; tests point it at a loopback fake.
    public var discordAPIBase: String { self["DISCORD_API_BASE"] ?? "https://discord.com/api/v10" }

    public static func isSnowflake(_ text: String) -> Bool {
        (1...20).contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}

extension StringProtocol {
    fileprivate var trimmingOWS: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
