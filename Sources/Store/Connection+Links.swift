extension Connection {
    /// Starts (or restarts, with a new code) a person's link on a cluster; an existing link is replaced.
    public func requestLink(_ link: Link) throws {
        try statement(
            """
            INSERT INTO links (cluster, discord_user, cluster_user, code, issued_at, expires_at, linked_at)
            VALUES (?, ?, ?, ?, ?, ?, NULL)
            ON CONFLICT (cluster, discord_user) DO UPDATE SET cluster_user = excluded.cluster_user,
                code = excluded.code, issued_at = excluded.issued_at, expires_at = excluded.expires_at, linked_at = NULL
            """
        ).run([
            .text(link.cluster), .text(link.discordUser), .text(link.clusterUser), .text(link.code),
            .integer(link.issuedAt), .integer(link.expiresAt),
        ])
    }

    /// A person's link (or pending request) on a cluster.
    public func link(cluster: String, discordUser: String) throws -> Link? {
        try statement(Self.linkSelect + " WHERE cluster = ? AND discord_user = ?")
            .query([.text(cluster), .text(discordUser)], Self.linkRow).first
    }

    /// The completed links of a cluster: Discord user to Slurm account.
    public func linkedAccounts(cluster: String) throws -> [String: String] {
        var accounts: [String: String] = [:]
        for link in try statement(Self.linkSelect + " WHERE cluster = ? AND linked_at IS NOT NULL")
            .query([.text(cluster)], Self.linkRow)
        {
            accounts[link.discordUser] = link.clusterUser
        }
        return accounts
    }

    /// Completes every awaited link whose proof job is in the store: named `slurmbot-link-CODE`, owned by the
    /// claimed account, submitted after the code was issued (a minute of clock difference allowed) and before it
    /// expired. Only Slurm can say who owns a job, so the account vouches for itself. Returns the links completed.
    public func completeLinks(cluster: String, at: Int64) throws -> [Link] {
        let proven = try statement(
            Self.linkSelect
                + """
                 WHERE cluster = ?1 AND linked_at IS NULL AND EXISTS (
                    SELECT 1 FROM jobs WHERE jobs.cluster = links.cluster AND jobs.user = links.cluster_user
                        AND jobs.name = '\(Link.proofPrefix)' || links.code
                        AND jobs.submit_time >= links.issued_at - 60 AND jobs.submit_time <= links.expires_at)
                """
        ).query([.text(cluster)], Self.linkRow)
        // Requests never proven are forgotten a day after their code expired.
        try statement("DELETE FROM links WHERE cluster = ? AND linked_at IS NULL AND expires_at < ?")
            .run([.text(cluster), .integer(at - 86_400)])
        let mark = try statement("UPDATE links SET linked_at = ? WHERE cluster = ? AND discord_user = ?")
        for link in proven { try mark.run([.integer(at), .text(cluster), .text(link.discordUser)]) }
        return proven.map {
            var done = $0
            done.linkedAt = at
            return done
        }
    }

    /// Ends a person's link (or request) on a cluster; returns it, or nil when there was none.
    public func removeLink(cluster: String, discordUser: String) throws -> Link? {
        guard let existing = try link(cluster: cluster, discordUser: discordUser) else { return nil }
        try statement("DELETE FROM links WHERE cluster = ? AND discord_user = ?")
            .run([.text(cluster), .text(discordUser)])
        return existing
    }

    private static let linkSelect =
        "SELECT cluster, discord_user, cluster_user, code, issued_at, expires_at, linked_at FROM links"

    private static func linkRow(_ row: Statement) -> Link {
        Link(
            cluster: row.text(0), discordUser: row.text(1), clusterUser: row.text(2), code: row.text(3),
            issuedAt: row.int64(4), expiresAt: row.int64(5), linkedAt: row.optionalInt64(6))
    }
}
