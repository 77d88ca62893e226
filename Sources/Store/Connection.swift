internal import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// One SQLite connection, tuned for one writer and many readers: WAL, a busy timeout, foreign keys on.
///
/// Not `Sendable`: a connection belongs to one thread at a time. `Database` confines it to a thread of its own.
public final class Connection {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    /// Facts this connection's `Database` decoded already, shared by its connections; nil for a lone connection.
    var factsCache: FactsCache?

    /// Opens (creating if needed) the database at `path`.
    /// - Parameters:
    ///   - busyTimeout: milliseconds to wait for another process's lock before failing with SQLITE_BUSY.
    ///   - readOnly: open without write access (readers such as the status command).
    ///   - tuned: false leaves SQLite's defaults (no WAL): for a backup's destination, which must be one file.
    public init(path: String, busyTimeout: Int32 = 5000, readOnly: Bool = false, tuned: Bool = true)
        throws(SQLiteError)
    {
        var db: OpaquePointer?
        let flags =
            readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            var message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            // SQLite's "unable to open database file" says nothing of why; the system's error does.
            if let db, sqlite3_system_errno(db) != 0 {
                message += " (\(String(cString: strerror(sqlite3_system_errno(db)))))"
            }
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: "\(message): \(path)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeout)
        guard tuned else { return }
        do {
            if !readOnly {
                try execute("PRAGMA journal_mode=WAL")
                // Checkpoint when the WAL passes 64 MB rather than 4 MB: a big snapshot then commits without
                // stopping for several fsyncs; `checkpoint()` after the write keeps the WAL small.
                try execute("PRAGMA wal_autocheckpoint=16384")
            }
            try execute("PRAGMA synchronous=NORMAL")
            // 64 MB of page cache: a 50,000-job snapshot touches far more than the 2 MB default holds.
            try execute("PRAGMA cache_size=-65536")
            try execute("PRAGMA foreign_keys=ON")
        } catch {
            statements.removeAll()
            sqlite3_close_v2(db)
            throw error
        }
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// A prepared statement, cached by its text so hot paths prepare once per connection.
    public func statement(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    ///
    /// `BEGIN IMMEDIATE` takes the write lock up front, so two writers wait for each other (busy timeout)
    /// instead of failing halfway.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The schema version kept in `PRAGMA user_version`.
    public var userVersion: Int {
        get throws(SQLiteError) {
            let statement = try statement("PRAGMA user_version")
            defer { statement.reset() }
            _ = try statement.step()
            return statement.int(0)
        }
    }

    /// The single-value result of a query, for counts and checks.
    ///
    /// The statement is reset before returning: a statement left stepping keeps its read transaction open, which
    /// would pin an old WAL snapshot for this connection and hold back commits.
    public func scalar(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> SQLValue {
        let statement = try statement(sql)
        defer { statement.reset() }
        try statement.bind(values)
        guard try statement.step() else { return .null }
        return statement.value(0)
    }

    /// Copies the WAL back into the database and truncates it to zero bytes; run after a poll's writes, outside
    /// their timing. Waits (up to the busy timeout) for readers on an older snapshot; if one is still reading then,
    /// SQLite copies what it can and the next poll finishes the job. Without this the WAL only grows: automatic
    /// checkpoints are set to 64 MB (see `init`) and never shrink the file.
    public func checkpoint() throws(SQLiteError) {
        try execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the row this connection inserted last.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}
