/// A Discord user's claim to a Slurm account on one cluster, proven by a job only that account could submit.
public struct Link: Sendable, Hashable {
    public var cluster: String
    public var discordUser: String
    public var clusterUser: String
    /// The one-time code in the proof job's name (`slurmbot-link-CODE`).
    public var code: String
    public var issuedAt: Int64
    public var expiresAt: Int64
    /// When a poll saw the proof; nil while it is awaited.
    public var linkedAt: Int64?

    public init(
        cluster: String, discordUser: String, clusterUser: String, code: String, issuedAt: Int64, expiresAt: Int64,
        linkedAt: Int64? = nil
    ) {
        self.cluster = cluster
        self.discordUser = discordUser
        self.clusterUser = clusterUser
        self.code = code
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.linkedAt = linkedAt
    }

    /// The name the proof job must have.
    public var proofJobName: String { Link.proofPrefix + code }

    public static let proofPrefix = "slurmbot-link-"
}
