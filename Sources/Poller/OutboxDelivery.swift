import SlurmbotSettings
import DiscordAPI
import DiscordModels
import Foundation
public import Logging
public import Store

/// Sends what the outbox holds, after the poll's transaction has committed: each alert once, in order.
///
/// An attempt is counted before it is made. A run killed mid-send leaves the alert due, and the next run sends it
/// again with the same nonce (derived from the alert's key, with `enforce_nonce`): when Discord had already created
/// the message, it returns that one instead of making a second. 429 and 5xx (after the client's own retries) wait
/// for a later run with a doubling pause; a refusal (DMs closed, unknown channel, deleted webhook) is final and kept
/// for `/watches` to show. Each poller sends its own cluster's alerts, with its own settings.
public struct OutboxDelivery: Sendable {
    public let database: Database
    public let cluster: String
    public let settings: AlertSettings
    public let logger: Logger

    public init(database: Database, cluster: String, settings: AlertSettings, logger: Logger) {
        self.database = database
        self.cluster = cluster
        self.settings = settings
        self.logger = logger
    }

    /// What one delivery run did.
    public struct Report: Sendable, Equatable {
        public var sent = 0
        public var retryLater = 0
        public var refused = 0
    }

    /// - Parameter now: the clock (Unix seconds); tests move it to make retries due.
    public func deliver(now: @escaping @Sendable () -> Int64 = OutboxDelivery.wallClock) async throws -> Report {
        var report = Report()
        let cluster = self.cluster
        let due = try await database.run { try $0.dueAlerts(cluster: cluster, now: now()) }
        for alert in due {
            try await database.run { try $0.markAttempt(id: alert.id) }
            let outcome = await send(alert)
            let at = now()
            switch outcome {
            case .sent:
                try await database.run { try $0.markSent(id: alert.id, at: at) }
                report.sent += 1
            case .later(let reason):
                try await database.run {
                    try $0.markRetry(
                        id: alert.id, error: reason, nextAttemptAt: at + Self.pause(afterAttempts: alert.attempts + 1))
                }
                logger.warning("alert not sent yet", metadata: ["alert": "\(alert.dedupKey)", "reason": "\(reason)"])
                report.retryLater += 1
            case .refused(let reason):
                try await database.run { try $0.markFailed(id: alert.id, at: at, error: reason) }
                logger.error("alert refused", metadata: ["alert": "\(alert.dedupKey)", "reason": "\(reason)"])
                report.refused += 1
            case .stop(let reason):
                try await database.run {
                    try $0.markRetry(
                        id: alert.id, error: reason, nextAttemptAt: at + Self.pause(afterAttempts: alert.attempts + 1))
                }
                logger.error("alerts stopped", metadata: ["reason": "\(reason)"])
                report.retryLater += 1
                return report
            }
        }
        return report
    }

    enum Outcome: Equatable {
        case sent
        /// Try again on a later run.
        case later(String)
        /// Never try again.
        case refused(String)
        /// Try again later, and send nothing more now (the bot token was refused).
        case stop(String)
    }

    func send(_ alert: OutboxAlert) async -> Outcome {
        guard var message = try? JSONDecoder().decode(MessagePayload.self, from: Data(alert.payload.utf8)) else {
            return .refused("the stored message cannot be read")
        }
        message.nonce = Self.nonce(for: alert.dedupKey)
        message.enforceNonce = true
        do {
            switch alert.destination {
            case .dm:
                guard settings.hasBotToken else { return .refused("no DISCORD_BOT_TOKEN to send a DM with") }
                let channel = try await settings.client.directMessageChannel(recipient: alert.target)
                try await settings.client.createMessage(channelID: channel, message: message)
            case .channel:
                guard settings.hasBotToken else { return .refused("no DISCORD_BOT_TOKEN to post in a channel with") }
                try await settings.client.createMessage(channelID: alert.target, message: message)
            case .webhook:
                guard let url = settings.webhookURL else {
                    return .refused("no DISCORD_ALERT_WEBHOOK_URL to post with")
                }
                // Webhooks take no nonce: a crash between Discord's answer and marking the alert sent can repeat it.
                message.nonce = nil
                message.enforceNonce = nil
                try await settings.client.executeWebhook(url: url, message: message)
            }
            return .sent
        } catch {
            switch error {
            case .unauthorized: return .stop(error.description)
            case .rejected(let status, _, _) where status == 429 || status >= 500: return .later(error.description)
            case .rejected: return .refused(error.description)
            case .failed: return .later(error.description)
            }
        }
    }

    @Sendable public static func wallClock() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// One minute, doubling per attempt, at most an hour.
    static func pause(afterAttempts attempts: Int) -> Int64 {
        min(3600, 60 << min(max(attempts - 1, 0), 6))
    }

    /// 25 characters at most, the same for the same alert on every run: "sb" and the key's 64-bit FNV-1a hash.
    static func nonce(for key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "sb" + String(hash, radix: 36)
    }
}
