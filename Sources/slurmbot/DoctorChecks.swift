import Analyst
import Foundation
import Logging
import SlurmbotSettings
import Store

/// The checks of `slurmbot doctor` that need no network: settings and the database.
enum DoctorChecks {
    /// Every setting that is configured is read the way the binaries read it; its error names the setting.
    static func settings(_ settings: Settings) -> [DoctorLine] {
        var lines: [DoctorLine] = []
        func check(_ name: String, _ body: () throws(SettingsError) -> String?) {
            do {
                if let detail = try body() { lines.append(.passed(name, detail)) }
            } catch {
                lines.append(.failed(name, error.description, fix: "correct it in .env (see .env.example)"))
            }
        }
        check("DISCORD_PUBLIC_KEY") { () throws(SettingsError) in
            guard settings.secret("DISCORD_PUBLIC_KEY") != nil else {
                lines.append(.skipped("DISCORD_PUBLIC_KEY", "not set (needed by slurmbot-server)"))
                return nil
            }
            _ = try settings.discordPublicKey()
            return "64 hex digits"
        }
        check("SLURMBOT_LISTEN") { () throws(SettingsError) in
            let (host, port) = try settings.listenAddress()
            return "\(host):\(port)"
        }
        check("SLURMBOT_INTERACTIONS_PATH") { () throws(SettingsError) in try settings.interactionsPath() }
        for name in [
            "DISCORD_APPLICATION_ID", "DISCORD_USER_ID", "DISCORD_OPS_CHANNEL_ID", "SLURMBOT_SUMMARY_CHANNEL_ID",
        ] {
            guard let value = settings[name] else { continue }
            lines.append(
                Settings.isSnowflake(value)
                    ? .passed(name, "an id")
                    : .failed(
                        name, "'\(value)' is not a Discord id (digits only)",
                        fix: "Developer Mode in Discord, then Copy ID on it"))
        }
        check("DISCORD_GUILD_IDS") { () throws(SettingsError) in
            let guilds = try settings.guildIDs()
            return guilds.isEmpty ? nil : "\(guilds.count) guild(s)"
        }
        check("SLURM_SOURCE") { () throws(SettingsError) in
            switch settings.source {
            case "ssh":
                let ssh = try settings.ssh()
                return "ssh to \(ssh.head)" + (ssh.bastion.map { " via \($0)" } ?? "")
            case "local", "simulated": return settings.source
            case let other where other.hasPrefix("fixture:"): return other
            case let other:
                throw SettingsError("SLURM_SOURCE must be ssh, local, simulated or fixture:DIR, not '\(other)'")
            }
        }
        return lines
    }

    /// The database opens, is at this build's schema, is sound, and was polled recently.
    static func database(path: String, settings: Settings) -> [DoctorLine] {
        guard FileManager.default.fileExists(atPath: path) else {
            return [
                .failed(
                    "database", "no file at \(path)",
                    fix: "run slurmbot-poller once (it creates the database), or set SLURMBOT_DB")
            ]
        }
        var lines: [DoctorLine] = []
        do {
            let connection = try Connection(path: path, readOnly: true)
            let (file, known) = try connection.schemaVersions()
            lines.append(.passed("database", path))
            if file == known {
                lines.append(.passed("schema", "version \(file)"))
            } else if file < known {
                lines.append(
                    .failed(
                        "schema", "version \(file); this build writes \(known)",
                        fix: "start slurmbot-poller once: it migrates the file (back it up first: slurmbot backup)"))
            } else {
                lines.append(
                    .failed(
                        "schema", "version \(file), newer than this build's \(known)",
                        fix: "run the newer slurmbot that wrote it, or restore a backup taken before the upgrade"))
            }
            let integrity = try connection.quickCheck()
            lines.append(
                integrity == "ok"
                    ? .passed("integrity", "quick_check ok")
                    : .failed("integrity", integrity, fix: "restore the latest backup (slurmbot backup --to)"))
            let clusters = try connection.clusters()
            if clusters.isEmpty {
                lines.append(.failed("last poll", "no poll stored yet", fix: "run slurmbot-poller and read its error"))
            }
            let now = Int64(Date().timeIntervalSince1970)
            for cluster in clusters {
                guard let poll = try connection.latestPoll(cluster: cluster) else { continue }
                let age = max(0, now - poll.finishedAt)
                let detail = "cluster \(cluster): \(age) s ago" + (poll.ok ? "" : ", failed: \(poll.error ?? "?")")
                if !poll.ok {
                    lines.append(.failed("last poll", detail, fix: "slurmbot doctor's SSH lines say where it breaks"))
                } else if age > Int64(max(3 * settings.checkInterval, 600)) {
                    lines.append(
                        .failed(
                            "last poll", detail + " (older than 3 × CHECK_INTERVAL)",
                            fix: "is the poller's timer or --loop running? (systemctl status slurmbot-poller.timer)"))
                } else {
                    lines.append(.passed("last poll", detail))
                }
            }
        } catch {
            lines.append(.failed("database", "\(path): \(error)", fix: "check the file's permissions and disk"))
        }
        return lines
    }

    /// The analyst's backend is configured the way `/ask` will use it.
    static func analyst(_ settings: Settings) -> [DoctorLine] {
        do {
            let analyst = try settings.analyst(logger: Logger(label: "doctor"))
            return [.passed("analyst", analyst.author + " (configured; not called)")]
        } catch {
            return [.failed("analyst", error.description, fix: "correct SLURMBOT_ANALYST and its settings in .env")]
        }
    }
}
