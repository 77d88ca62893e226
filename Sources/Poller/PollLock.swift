import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` beside the database, so overlapping cron runs never poll at once.
///
/// The kernel drops the lock when the process dies, so a killed poller never leaves a stale lock behind.
public final class PollLock {
    public let path: String
    private let descriptor: Int32

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case held(path: String)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path): "another poller holds \(path); skipping this run"
            case .cannotOpen(let path, let reason): "cannot open lock file \(path): \(reason)"
            }
        }
    }

    /// Takes the lock or fails at once; never waits.
    public init(path: String) throws(Failure) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .held(path: path)
        }
        self.path = path
        self.descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
