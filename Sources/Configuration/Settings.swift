public import Foundation

/// Configuration from the environment and an optional `.env` file, the environment winning.
///
/// Names are the ones every binary shares, each documented in `.env.example`. Secrets also accept `NAME_FILE`.
/// Values are never logged by this type.
public struct Settings: Sendable {
    private let values: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, dotEnvPath: String? = nil) {
        let path = dotEnvPath ?? environment["SLURMBOT_ENV_FILE"] ?? ".env"
        var merged = Settings.readDotEnv(path)
        for (key, value) in environment { merged[key] = value }
        values = merged
    }

    public init(values: [String: String]) {
        self.values = values
    }

    public subscript(name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// A secret from `NAME` or from the file named by `NAME_FILE` (trailing newline dropped).
    public func secret(_ name: String) -> String? {
        if let value = self[name] { return value }
        guard let path = self[name + "_FILE"], let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        return text.isEmpty ? nil : text
    }

    public func int(_ name: String) -> Int? {
        self[name].flatMap { Int($0) }
    }

    public var databasePath: String { self["SLURMBOT_DB"] ?? "data/slurmbot.db" }
    public var cluster: String { self["SLURMBOT_CLUSTER"] ?? "default" }
    public var retentionDays: Int { int("SLURMBOT_RETENTION_DAYS") ?? 90 }
    public var checkInterval: Int { int("CHECK_INTERVAL") ?? 300 }
    public var source: String { self["SLURM_SOURCE"] ?? "ssh" }
    public var pollTimeout: Int { int("SLURM_SSH_TIMEOUT") ?? 30 }
    public var timeZone: TimeZone { self["SLURMBOT_TIMEZONE"].flatMap(TimeZone.init(identifier:)) ?? .current }

    /// `KEY=value` lines; `#` comments, blank lines, `export ` prefixes and matching quotes are handled.
    static func readDotEnv(_ path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var result: [String: String] = [:]
        for raw in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line.removeFirst(7) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            result[key] = value
        }
        return result
    }
}
