/// Someone who wants to hear when jobs end: one job (or array), or every job of one cluster user.
public struct Watch: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case job, user
    }

    /// How the alert reaches them: a direct message, a message in a channel that mentions them, or the incoming
    /// webhook (`DISCORD_ALERT_WEBHOOK_URL`) with a mention.
    public enum Notify: String, Sendable, Hashable {
        case dm, channel, webhook
    }

    public var id: Int64
    public var cluster: String
    public var kind: Kind
    /// The job id (as people write it; an array's id covers all its tasks) or the cluster user name.
    public var subject: String
    public var discordUser: String
    public var notify: Notify
    /// The channel for `.channel`.
    public var channel: String?
    /// Also warn when a watched job has used 90 % of its time limit.
    public var warn: Bool
    public var createdAt: Int64

    public init(
        id: Int64 = 0, cluster: String, kind: Kind, subject: String, discordUser: String, notify: Notify,
        channel: String? = nil, warn: Bool = false, createdAt: Int64
    ) {
        self.warn = warn
        self.id = id
        self.cluster = cluster
        self.kind = kind
        self.subject = subject
        self.discordUser = discordUser
        self.notify = notify
        self.channel = channel
        self.createdAt = createdAt
    }
}

/// One alert on its way to Discord: queued in the transaction of the poll that revealed it, under a key that makes
/// a second copy impossible, and kept with its attempts and last error until it is sent or refused for good.
public struct OutboxAlert: Sendable, Hashable {
    public var id: Int64
    /// Unique over the whole outbox: `job-end:<cluster>:<job>:<discord user>` and the like.
    public var dedupKey: String
    public var cluster: String
    public var createdAt: Int64
    public var destination: Watch.Notify
    /// The Discord user id (dm), the channel id (channel), or "webhook".
    public var target: String
    /// Whom the alert is for, so `/watches` can show them what could not be delivered.
    public var discordUser: String?
    /// The message as Discord's JSON.
    public var payload: String
    public var attempts: Int
    /// In the delivering machine's clock; a new alert is `dueNow`, whatever the head node's clock says.
    public var nextAttemptAt: Int64
    public var sentAt: Int64?
    public var failedAt: Int64?
    public var lastError: String?

    public init(
        id: Int64 = 0, dedupKey: String, cluster: String, createdAt: Int64, destination: Watch.Notify, target: String,
        discordUser: String?, payload: String, attempts: Int = 0, nextAttemptAt: Int64, sentAt: Int64? = nil,
        failedAt: Int64? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.dedupKey = dedupKey
        self.cluster = cluster
        self.createdAt = createdAt
        self.destination = destination
        self.target = target
        self.discordUser = discordUser
        self.payload = payload
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.failedAt = failedAt
        self.lastError = lastError
    }

    /// The next-attempt time of a new alert: due at the first delivery after the commit. (The snapshot's time is the
    /// head node's clock; a head node a few seconds ahead would hold its alerts back a whole poll.)
    public static let dueNow: Int64 = 0
}
