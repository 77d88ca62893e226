/// One analyst summary as stored: what it says, who wrote it, and what it described.
public struct StoredSummary: Sendable, Hashable {
    public var cluster: String
    /// The snapshot the summary describes (the head node's clock).
    public var snapshotAt: Int64
    public var createdAt: Int64
    public var author: String
    /// Why a model's summary was replaced by the built-in one; nil when it was not.
    public var fallback: String?
    public var text: String
    public var changeKey: String
    /// What the summary described, as the analyst encodes it (JSON).
    public var basis: String
    /// Whether it was queued for the summary channel.
    public var posted: Bool

    public init(
        cluster: String, snapshotAt: Int64, createdAt: Int64, author: String, fallback: String? = nil, text: String,
        changeKey: String, basis: String, posted: Bool = false
    ) {
        self.posted = posted
        self.cluster = cluster
        self.snapshotAt = snapshotAt
        self.createdAt = createdAt
        self.author = author
        self.fallback = fallback
        self.text = text
        self.changeKey = changeKey
        self.basis = basis
    }
}

extension Connection {
    /// Keeps a summary, and only the newest `keep` of the cluster's: /summary reads the latest, the poller compares
    /// with it; older ones are of no use.
    public func writeSummary(_ summary: StoredSummary, keep: Int = 100) throws {
        try statement(
            """
            INSERT INTO summaries (cluster, snapshot_at, created_at, author, fallback, text, change_key, basis, posted)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).run([
            .text(summary.cluster), .integer(summary.snapshotAt), .integer(summary.createdAt), .text(summary.author),
            summary.fallback.map(SQLValue.text) ?? .null, .text(summary.text), .text(summary.changeKey),
            .text(summary.basis), .integer(summary.posted ? 1 : 0),
        ])
        try statement(
            """
            DELETE FROM summaries WHERE cluster = ? AND id <= (SELECT id FROM summaries WHERE cluster = ?
                ORDER BY id DESC LIMIT 1 OFFSET ?)
            """
        ).run([.text(summary.cluster), .text(summary.cluster), .integer(Int64(keep))])
    }

    /// The cluster's newest summary, if any was written.
    public func latestSummary(cluster: String) throws -> StoredSummary? {
        try statement(
            """
            SELECT cluster, snapshot_at, created_at, author, fallback, text, change_key, basis, posted FROM summaries
                WHERE cluster = ? ORDER BY id DESC LIMIT 1
            """
        ).query([.text(cluster)]) {
            StoredSummary(
                cluster: $0.text(0), snapshotAt: $0.int64(1), createdAt: $0.int64(2), author: $0.text(3),
                fallback: $0.optionalText(4), text: $0.text(5), changeKey: $0.text(6), basis: $0.text(7),
                posted: $0.int64(8) != 0)
        }.first
    }

    /// When the cluster's last summary queued for the summary channel was written; nil when none was.
    public func lastPostedSummaryAt(cluster: String) throws -> Int64? {
        try scalar(
            "SELECT max(created_at) FROM summaries WHERE cluster = ? AND posted = 1", [.text(cluster)]
        ).int64
    }
}
