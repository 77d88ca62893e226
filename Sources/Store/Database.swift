import Threads

/// The store: one SQLite connection confined to a thread of its own.
///
/// Every call hops onto that thread, so blocking SQLite work never runs on Swift's cooperative thread pool (two
/// threads on this machine: one slow query there would stall the whole server), nor on GCD's global queues,
/// which share those threads on Linux. Open one per process role; WAL lets a writer and any number of readers in
/// other processes work at once.
public final class Database: Sendable {
    public let path: String
    private let thread: WorkerPool
    private let box: ConnectionBox

    /// Opens the database, creating and migrating it when `readOnly` is false.
    public init(path: String, readOnly: Bool = false, busyTimeout: Int32 = 5000) throws {
        self.path = path
        self.thread = WorkerPool(threads: 1, name: "slurmbot-store")
        let connection = try Connection(path: path, busyTimeout: busyTimeout, readOnly: readOnly)
        if !readOnly { try Schema.migrate(connection) }
        self.box = ConnectionBox(connection)
    }

    /// Runs `body` with the connection on the store's thread, from async code.
    @discardableResult
    public func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await thread.run { [box] () throws(any Error) in try body(box.connection) }
    }

    /// Runs `body` with the connection on the store's thread, blocking the caller; for command-line tools.
    @discardableResult
    public func sync<T>(_ body: (Connection) throws -> T) throws -> T {
        try thread.runBlocking { () throws(any Error) in try body(box.connection) }
    }
}

/// Holds the connection; only ever touched on `Database.thread`, which is what makes sharing it sound.
private final class ConnectionBox: @unchecked Sendable {
    let connection: Connection

    init(_ connection: Connection) {
        self.connection = connection
    }
}
