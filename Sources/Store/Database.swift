import Synchronization
import Threads

/// The store: one SQLite connection confined to a thread of its own, and optionally a few read-only ones.
///
/// Every call hops onto a store thread, so blocking SQLite work never runs on Swift's cooperative thread pool (two
/// threads on this machine: one slow query there would stall the whole server), nor on GCD's global queues,
/// which share those threads on Linux. WAL lets the writer and any number of readers, here or in other processes,
/// work at once: the server answers from its readers in parallel and writes watches through the one writer.
public final class Database: Sendable {
    public let path: String
    private let thread: WorkerPool
    private let box: ConnectionBox
    private let readers: Readers?

    /// Opens the database, creating and migrating it when `readOnly` is false.
    /// - Parameter readers: read-only connections for `read`, each on a thread of its own; with none, `read` runs
    ///   on the writer's connection.
    public init(path: String, readOnly: Bool = false, busyTimeout: Int32 = 5000, readers: Int = 0) throws {
        self.path = path
        self.thread = WorkerPool(threads: 1, name: "slurmbot-store")
        let cache = FactsCache()
        let connection = try Connection(path: path, busyTimeout: busyTimeout, readOnly: readOnly)
        if !readOnly { try Schema.migrate(connection) }
        connection.factsCache = cache
        self.box = ConnectionBox(connection)
        self.readers =
            readers > 0
            ? try Readers(
                count: readers,
                open: {
                    let reader = try Connection(path: path, busyTimeout: busyTimeout, readOnly: true)
                    reader.factsCache = cache
                    return reader
                }) : nil
    }

    /// Runs `body` with the writing connection on the store's thread, from async code.
    @discardableResult
    public func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await thread.run { [box] () throws(any Error) in try body(box.connection) }
    }

    /// Runs `body`, which only reads, on the first free read-only connection (the writer's when there are none).
    @discardableResult
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        guard let readers else { return try await run(body) }
        return try await readers.run(body)
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

/// As many read-only connections as threads: a job takes a free connection when a thread picks it up and gives
/// it back when done, so each connection is used by one thread at a time and none waits while another is free.
private final class Readers: Sendable {
    private let pool: WorkerPool
    private let idle: Mutex<[ConnectionBox]>

    init(count: Int, open: () throws -> Connection) throws {
        idle = Mutex(try (0..<count).map { _ in ConnectionBox(try open()) })
        pool = WorkerPool(threads: count, name: "slurmbot-reader")
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await pool.run { () throws(any Error) in
            // Never empty: no more jobs run at once than there are threads, and as many connections.
            let box = self.idle.withLock { $0.removeLast() }
            defer { self.idle.withLock { $0.append(box) } }
            return try body(box.connection)
        }
    }
}
