extension Connection {
    /// Writes a consistent copy of the whole database to `path` (SQLite's `VACUUM INTO`: one read transaction, so
    /// a poller writing meanwhile neither blocks nor tears it). `path` must not exist yet.
    public func copy(to path: String) throws {
        try statement("VACUUM INTO ?").run([.text(path)])
    }
}
