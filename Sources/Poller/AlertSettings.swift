public import SlurmbotSettings
public import DiscordAPI
import DiscordModels
import Foundation
import Store

/// Where alerts can go and who hears about what without asking: from `DISCORD_BOT_TOKEN`,
/// `DISCORD_ALERT_WEBHOOK_URL`, `TARGET_CLUSTER_USER` and `DISCORD_USER_ID` (the original tool's default watch).
public struct AlertSettings: Sendable {
    /// The default watch: this cluster user's jobs ping this Discord user.
    public var defaultWatch: (clusterUser: String, discordUser: String)?
    /// Discord's API, with the bot token when there is one.
    public var client: DiscordClient
    /// DMs and channel messages need the bot token; the webhook does not.
    public var hasBotToken: Bool
    /// The incoming webhook, a secret; used for the default watch when there is no bot token.
    public var webhookURL: String?
    /// The admins' channel (`DISCORD_OPS_CHANNEL_ID`); without one, ops alerts go to the webhook if there is one.
    public var opsChannel: String?
    /// Failed polls in a row before the ops channel hears of it (`SLURMBOT_OPS_FAILURES`).
    public var opsFailures: Int

    public init(
        defaultWatch: (clusterUser: String, discordUser: String)? = nil, client: DiscordClient, hasBotToken: Bool,
        webhookURL: String? = nil, opsChannel: String? = nil, opsFailures: Int = 3
    ) {
        self.opsChannel = opsChannel
        self.opsFailures = opsFailures
        self.defaultWatch = defaultWatch
        self.client = client
        self.hasBotToken = hasBotToken
        self.webhookURL = webhookURL
    }

    /// Where ops alerts go: the ops channel, else the webhook; nil for nowhere.
    var opsDestination: (notify: Watch.Notify, target: String)? {
        if let opsChannel { return (.channel, opsChannel) }
        return webhookURL != nil ? (.webhook, "webhook") : nil
    }

    /// The default watch with how it is told: a DM with a bot token, else the webhook with a mention.
    var resolvedDefaultWatch: (clusterUser: String, discordUser: String, notify: Watch.Notify)? {
        guard let defaultWatch else { return nil }
        let notify: Watch.Notify? = hasBotToken ? .dm : (webhookURL != nil ? .webhook : nil)
        return notify.map { (defaultWatch.clusterUser, defaultWatch.discordUser, $0) }
    }
}

extension Settings {
    /// The alert settings; nil when nothing would ever be sent (no token, no webhook).
    public func alerts() throws(SettingsError) -> AlertSettings? {
        let token = secret("DISCORD_BOT_TOKEN")
        let webhook = secret("DISCORD_ALERT_WEBHOOK_URL")
        if let webhook {
            guard let url = URL(string: webhook), let scheme = url.scheme, ["https", "http"].contains(scheme),
                url.host != nil
            else {
                throw SettingsError(
                    "DISCORD_ALERT_WEBHOOK_URL must be a webhook URL (https://discord.com/api/webhooks/…)")
            }
        }
        guard token != nil || webhook != nil else { return nil }
        var defaultWatch: (String, String)?
        switch (self["TARGET_CLUSTER_USER"], self["DISCORD_USER_ID"]) {
        case (let user?, let id?):
            guard Settings.isSnowflake(id) else {
                throw SettingsError("DISCORD_USER_ID must be a Discord user id (digits), got '\(id)'")
            }
            defaultWatch = (user, id)
        case (nil, nil):
            break
        default:
            throw SettingsError("TARGET_CLUSTER_USER and DISCORD_USER_ID go together: set both or neither")
        }
        let opsChannel = self["DISCORD_OPS_CHANNEL_ID"]
        if let opsChannel {
            guard Settings.isSnowflake(opsChannel) else {
                throw SettingsError("DISCORD_OPS_CHANNEL_ID must be a channel id (digits), got '\(opsChannel)'")
            }
            guard token != nil else { throw SettingsError("DISCORD_OPS_CHANNEL_ID needs DISCORD_BOT_TOKEN to post") }
        }
        return AlertSettings(
            defaultWatch: defaultWatch, client: DiscordClient(baseURL: discordAPIBase, botToken: token),
            hasBotToken: token != nil, webhookURL: webhook, opsChannel: opsChannel,
            opsFailures: try positive("SLURMBOT_OPS_FAILURES", default: 3))
    }
}
