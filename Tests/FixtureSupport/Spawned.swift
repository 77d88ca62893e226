import Dispatch
public import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running process a test starts (a server): posix_spawn, its output read as it comes, signals, and a
/// `waitpid` with a deadline. Not Foundation's `Process`, which in this sandbox sometimes never sees its child exit.
public final class Spawned: Sendable {
    public let pid: pid_t
    private let output = Mutex<[UInt8]>([])
    private let errors = Mutex<[UInt8]>([])
    private let status = Mutex<Int32?>(nil)
    /// Set once both pipes reached end of file: everything the process wrote has been read.
    private let drained = Mutex(false)

    /// Starts `executable` with `arguments` and exactly `environment`; stdin is /dev/null.
    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String]) throws {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw Products.MissingProduct(name: "pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw Products.MissingProduct(name: executable)
        }
        pid = child
        let (out, err) = (outPipe[0], errPipe[0])
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var open = [out, err]
            while !open.isEmpty {
                var entries = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                guard poll(&entries, nfds_t(entries.count), -1) > 0 else { continue }
                for entry in entries where entry.revents != 0 {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        let bytes = buffer[0..<count]
                        if entry.fd == out {
                            self.output.withLock { $0 += bytes }
                        } else {
                            self.errors.withLock { $0 += bytes }
                        }
                    } else {
                        close(entry.fd)
                        open.removeAll { $0 == entry.fd }
                    }
                }
            }
            self.drained.withLock { $0 = true }
        }.start()
    }

    public var stdout: String { String(decoding: output.withLock { $0 }, as: UTF8.self) }
    public var stderr: String { String(decoding: errors.withLock { $0 }, as: UTF8.self) }

    /// Waits until stdout contains `text`; returns the whole of stdout then, or nil after `timeout`.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(30)) async -> String? {
        let limit = ContinuousClock.now + timeout
        while ContinuousClock.now < limit {
            let current = stdout
            if current.contains(text) { return current }
            if exitStatus != nil { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    public func signal(_ number: Int32) {
        Glibc.kill(pid, number)
    }

    /// The exit status once the process has ended (128 + signal when killed), else nil. Never blocks.
    public var exitStatus: Int32? {
        if let known = status.withLock({ $0 }) { return known }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let code: Int32 = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        status.withLock { $0 = code }
        return code
    }

    /// Waits up to `timeout` for the process to end and for the last of its output to be read (its final words
    /// may still be in the pipe when it exits); nil if it is still running.
    public func wait(timeout: Duration = .seconds(10)) async -> Int32? {
        let limit = ContinuousClock.now + timeout
        while ContinuousClock.now < limit {
            if let code = exitStatus, drained.withLock({ $0 }) { return code }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return exitStatus
    }

    /// Stops it for good (SIGKILL) if it still runs: for test cleanup.
    public func kill() {
        if exitStatus == nil {
            signal(SIGKILL)
            _ = waitpid(pid, nil, 0)
        }
    }

    /// The environment a test gives a product: PATH and HOME, no settings leaking in from the developer's shell.
    public static func cleanEnvironment(_ extra: [String: String]) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment = ["PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": inherited["HOME"] ?? "/root"]
        environment["SLURMBOT_ENV_FILE"] = "/dev/null"
        return environment.merging(extra) { $1 }
    }
}
