internal import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

extension Connection {
    /// What a backup wrote, read back from the copy itself.
    public struct BackupReport: Sendable, Equatable {
        public var pages: Int
        public var bytes: Int
        public var schemaVersion: Int
        /// `PRAGMA integrity_check` of the copy: "ok" when sound.
        public var integrity: String
    }

    /// Writes an online, consistent copy of this database to `path` with SQLite's backup API, then checks the copy.
    ///
    /// One step copies every page inside one read transaction: in WAL mode a poller writing meanwhile is neither
    /// blocked nor seen half-way (its commit lands after the copy's snapshot). The copy is written to
    /// `path.partial` and renamed into place only once complete and sound, so a failed or killed backup never
    /// leaves a file that looks like one. `path` must not exist.
    public func backup(to path: String) throws -> BackupReport {
        let partial = path + ".partial"
        for leftover in ["", "-wal", "-shm", "-journal"] { unlink(partial + leftover) }
        let report: BackupReport
        do {
            report = try copyPages(to: partial)
        } catch {
            for leftover in ["", "-wal", "-shm", "-journal"] { unlink(partial + leftover) }
            throw error
        }
        // The copy's connection is closed by now, so everything is in its main file.
        guard Glibc.link(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot create \(path): \(reason)")
        }
        unlink(partial)
        return report
    }

    private func copyPages(to partial: String) throws -> BackupReport {
        let destination = try Connection(path: partial, busyTimeout: 5000, readOnly: false, tuned: false)
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw SQLiteError(code: sqlite3_errcode(destination.handle), message: destination.lastMessage)
        }
        let rc = sqlite3_backup_step(backup, -1)
        let pages = Int(sqlite3_backup_pagecount(backup))
        sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE else {
            throw SQLiteError(code: rc, message: "backup stopped: \(String(cString: sqlite3_errstr(rc)))")
        }
        // The pages carry the source's WAL mode; a backup is one self-contained file, so it goes back to a
        // rollback journal (SQLite turns WAL on again when slurmbot opens a restored copy for writing).
        try destination.execute("PRAGMA journal_mode=DELETE")
        let integrity = try destination.statement("PRAGMA integrity_check").query([]) { $0.text(0) }
            .joined(separator: "; ")
        guard integrity == "ok" else {
            throw SQLiteError(code: SQLITE_CORRUPT, message: "the copy failed its integrity check: \(integrity)")
        }
        let version = try destination.statement("PRAGMA user_version").query([]) { $0.int(0) }.first ?? 0
        let pageSize = try destination.statement("PRAGMA page_size").query([]) { $0.int(0) }.first ?? 4096
        return BackupReport(pages: pages, bytes: pages * pageSize, schemaVersion: version, integrity: integrity)
    }
}
