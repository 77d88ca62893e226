extension Connection {
    /// Adds a watch, or changes how an existing one notifies. Returns false when it already existed.
    @discardableResult
    public func addWatch(_ watch: Watch) throws -> Bool {
        let existed =
            try scalar(
                "SELECT count(*) FROM watches WHERE cluster = ? AND kind = ? AND subject = ? AND discord_user = ?",
                [.text(watch.cluster), .text(watch.kind.rawValue), .text(watch.subject), .text(watch.discordUser)]
            ).int64 ?? 0 > 0
        try statement(
            """
            INSERT INTO watches (cluster, kind, subject, discord_user, notify, channel, warn, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster, kind, subject, discord_user) DO UPDATE SET
                notify = excluded.notify, channel = excluded.channel, warn = excluded.warn
            """
        ).run([
            .text(watch.cluster), .text(watch.kind.rawValue), .text(watch.subject), .text(watch.discordUser),
            .text(watch.notify.rawValue), SQLValue(watch.channel), .integer(watch.warn ? 1 : 0),
            .integer(watch.createdAt),
        ])
        return !existed
    }

    /// Removes one person's watches: one subject of one kind, or all of them. Returns how many went.
    public func removeWatches(
        cluster: String, discordUser: String, kind: Watch.Kind? = nil, subject: String? = nil
    ) throws -> Int {
        var sql = "DELETE FROM watches WHERE cluster = ? AND discord_user = ?"
        var values: [SQLValue] = [.text(cluster), .text(discordUser)]
        if let kind {
            sql += " AND kind = ?"
            values.append(.text(kind.rawValue))
        }
        if let subject {
            sql += " AND subject = ?"
            values.append(.text(subject))
        }
        try statement(sql).run(values)
        return changes
    }

    /// The watches of a cluster, or of one person there, oldest first.
    public func watches(cluster: String, discordUser: String? = nil) throws -> [Watch] {
        var sql =
            "SELECT id, cluster, kind, subject, discord_user, notify, channel, warn, created_at FROM watches WHERE cluster = ?"
        var values: [SQLValue] = [.text(cluster)]
        if let discordUser {
            sql += " AND discord_user = ?"
            values.append(.text(discordUser))
        }
        return try statement(sql + " ORDER BY id").query(values) { row in
            Watch(
                id: row.int64(0), cluster: row.text(1), kind: Watch.Kind(rawValue: row.text(2)) ?? .job,
                subject: row.text(3), discordUser: row.text(4), notify: Watch.Notify(rawValue: row.text(5)) ?? .dm,
                channel: row.optionalText(6), warn: row.int(7) != 0, createdAt: row.int64(8))
        }
    }

    /// Removes the watches on jobs that have ended and been announced: a job ends once.
    public func removeJobWatches(cluster: String, subjects: [String]) throws {
        let remove = try statement("DELETE FROM watches WHERE cluster = ? AND kind = 'job' AND subject = ?")
        for subject in subjects { try remove.run([.text(cluster), .text(subject)]) }
    }
}
