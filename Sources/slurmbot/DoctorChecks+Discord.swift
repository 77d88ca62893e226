import Commands
import DiscordAPI
import DiscordModels
import Poller
import SlurmbotSettings

extension DoctorChecks {
    /// The bot token answers, it belongs to DISCORD_APPLICATION_ID, the commands registered are this build's,
    /// and the channels alerts and summaries go to are visible to the bot. Reads only; sends nothing.
    static func discord(_ settings: Settings, guild: String?) async -> [DoctorLine] {
        let route = await alertRoute(settings)
        guard settings.secret("DISCORD_BOT_TOKEN") != nil else {
            return [.skipped("Discord bot token", "DISCORD_BOT_TOKEN is not set (no DMs, no register-commands)")]
                + route
        }
        let client = DiscordClient(
            baseURL: settings.discordAPIBase, botToken: settings.secret("DISCORD_BOT_TOKEN"), attempts: 1)
        var lines: [DoctorLine] = []
        let application: (id: String, name: String)
        do {
            application = try await client.currentApplication()
        } catch {
            return [
                .failed(
                    "Discord bot token", "\(error)",
                    fix: "Developer Portal > Bot > Reset Token, and put the new one in DISCORD_BOT_TOKEN(_FILE)")
            ] + route
        }
        lines.append(.passed("Discord bot token", "the application \(application.name) (\(application.id))"))
        if let configured = settings["DISCORD_APPLICATION_ID"], configured != application.id {
            lines.append(
                .failed(
                    "DISCORD_APPLICATION_ID",
                    "\(configured), but the token is \(application.name)'s (\(application.id))",
                    fix: "use the id and the token of the same application"))
        }
        let wanted = CommandTable.standard.definitions.map(\.name).sorted()
        do {
            let registered = try await client.commandNames(applicationID: application.id, guildID: guild).sorted()
            let scope = guild.map { "guild \($0)" } ?? "global"
            if registered == wanted {
                lines.append(.passed("commands", "\(wanted.count) registered (\(scope)), as this build defines them"))
            } else {
                let missing = Set(wanted).subtracting(registered).sorted()
                let extra = Set(registered).subtracting(wanted).sorted()
                lines.append(
                    .failed(
                        "commands",
                        "\(scope): " + (missing.isEmpty ? "" : "missing \(missing.joined(separator: ", ")) ")
                            + (extra.isEmpty ? "" : "not ours any more \(extra.joined(separator: ", "))"),
                        fix: "slurmbot register-commands" + (guild.map { " --guild \($0)" } ?? "")))
            }
        } catch {
            lines.append(.failed("commands", "\(error)", fix: "check the token's application"))
        }
        for (name, purpose) in [("DISCORD_OPS_CHANNEL_ID", "ops alerts"), ("SLURMBOT_SUMMARY_CHANNEL_ID", "summaries")]
        {
            guard let channel = settings[name], Settings.isSnowflake(channel) else { continue }
            do {
                let title = try await client.channelName(channel)
                lines.append(.passed("\(purpose) channel", "#\(title) is visible to the bot"))
            } catch {
                lines.append(
                    .failed(
                        "\(purpose) channel", "\(name) \(channel): \(error)",
                        fix: "invite the bot with View Channel, Send Messages, Embed Links, Attach Files there"))
            }
        }
        return lines + route
    }

    /// Where job-end and ops alerts go, read as the poller reads it; the webhook and the default watch's DM
    /// channel are asked for, nothing is posted.
    static func alertRoute(_ settings: Settings) async -> [DoctorLine] {
        let alerts: AlertSettings?
        do {
            alerts = try settings.alerts()
        } catch {
            return [.failed("alert route", error.description, fix: "correct it in .env (see .env.example)")]
        }
        guard let alerts else {
            return [
                .skipped("alert route", "no DISCORD_BOT_TOKEN and no DISCORD_ALERT_WEBHOOK_URL: no alerts are sent")
            ]
        }
        var lines: [DoctorLine] = []
        if let webhook = alerts.webhookURL {
            do {
                let name = try await alerts.client.webhookName(url: webhook)
                lines.append(.passed("alert webhook", "'\(name)' answers (nothing posted)"))
            } catch {
                lines.append(
                    .failed(
                        "alert webhook", "\(error)",
                        fix: "make a new webhook (channel settings > Integrations) and set DISCORD_ALERT_WEBHOOK_URL"))
            }
        }
        if let watch = alerts.defaultWatch, alerts.hasBotToken {
            do {
                _ = try await alerts.client.directMessageChannel(recipient: watch.discordUser)
                lines.append(
                    .passed("alert DM", "\(watch.clusterUser)'s jobs: a DM channel with \(watch.discordUser) opens"))
            } catch {
                lines.append(
                    .failed(
                        "alert DM", "DISCORD_USER_ID \(watch.discordUser): \(error)",
                        fix: "the user must share a server with the bot (DISCORD_USER_ID is a user id)"))
            }
        }
        if lines.isEmpty { lines.append(.passed("alert route", "watches by DM and in channels (the bot token)")) }
        return lines
    }
}
