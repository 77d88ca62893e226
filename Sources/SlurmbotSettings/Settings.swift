import Configuration
public import Foundation
import SystemPackage

/// Configuration from the environment and a `.env` file, the environment winning, read through
/// swift-configuration's providers.
///
/// Names are the ones every binary shares, each documented in `.env.example`. Secrets also accept `NAME_FILE`, and
/// are marked secret to swift-configuration so its own output redacts them; this type never logs a value.
public struct Settings: Sendable {
    private let reader: ConfigReader

    /// The process environment over `.env`, or over the file `SLURMBOT_ENV_FILE` names (which must then exist).
    ///
    /// A `.env` line is `NAME=value`; `#` starts a comment; quotes around a value are dropped.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, dotEnvPath: String? = nil
    ) async throws(SettingsError) -> Settings {
        let named = dotEnvPath ?? environment["SLURMBOT_ENV_FILE"]
        let process = EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: secrets)
        // Empty or /dev/null: the environment alone (tests, containers that pass everything in).
        if named == "" || named == "/dev/null" { return Settings(reader: ConfigReader(provider: process)) }
        let path = named ?? ".env"
        let file: EnvironmentVariablesProvider
        do {
            file = try await EnvironmentVariablesProvider(
                environmentFilePath: FilePath(path), allowMissing: named == nil, secretsSpecifier: secrets)
        } catch {
            throw SettingsError(
                FileManager.default.fileExists(atPath: path)
                    ? "cannot read the settings file \(path)"
                    : "SLURMBOT_ENV_FILE names \(path), which does not exist (set it empty for none)")
        }
        return Settings(reader: ConfigReader(providers: [process, file]))
    }

    /// Exactly these values (tests, and settings built in code).
    public init(values: [String: String]) {
        self.init(
            reader: ConfigReader(
                provider: EnvironmentVariablesProvider(environmentVariables: values, secretsSpecifier: Self.secrets)))
    }

    private init(reader: ConfigReader) {
        self.reader = reader
    }

    /// Names whose values are credentials: redacted wherever swift-configuration prints or reports them.
    static let secrets = SecretsSpecifier<String, String>.dynamic { name, _ in isSecret(name) }

    static func isSecret(_ name: String) -> Bool {
        ["PASSWORD", "PASSPHRASE", "TOKEN", "API_KEY", "SECRET"].contains { name.contains($0) }
    }

    /// The value of `name`, trimmed, with one pair of matching quotes dropped; nil when unset or blank.
    public subscript(name: String) -> String? {
        guard var value = reader.string(forKey: ConfigKey([name]), isSecret: Self.isSecret(name)) else { return nil }
        value = value.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        return value.isEmpty ? nil : value
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
}
