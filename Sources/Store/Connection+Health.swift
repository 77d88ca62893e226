extension Connection {
    /// The schema version this file is at (`PRAGMA user_version`) and the one this build writes.
    public func schemaVersions() throws -> (file: Int, known: Int) {
        (try statement("PRAGMA user_version").query([]) { $0.int(0) }.first ?? 0, Schema.migrations.count)
    }

    /// SQLite's `quick_check`: "ok" when the file's structure is sound (it skips the slower index contents check).
    public func quickCheck() throws -> String {
        try statement("PRAGMA quick_check").query([]) { $0.text(0) }.joined(separator: "; ")
    }
}
