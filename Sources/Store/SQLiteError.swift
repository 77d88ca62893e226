/// A failed SQLite call: its result code, SQLite's own message, and the SQL when there was one.
///
/// Never carries bound values, so nothing a user typed and no secret ends up in a log through it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (in: \(sql.prefix(120)))" }
        return text
    }

    /// SQLITE_BUSY or SQLITE_LOCKED after the busy timeout: another process held the database too long.
    public var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }
}

/// Errors of the store that are not SQLite's.
public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    case schemaTooNew(found: Int, known: Int)
    case snapshotOlderThanStored(snapshot: Int64, stored: Int64)

    public var description: String {
        switch self {
        case .schemaTooNew(let found, let known):
            "database schema version \(found) is newer than this build knows (\(known)); upgrade slurmbot"
        case .snapshotOlderThanStored(let snapshot, let stored):
            "snapshot time \(snapshot) is older than the stored one (\(stored)); is the head node's clock right?"
        }
    }
}
