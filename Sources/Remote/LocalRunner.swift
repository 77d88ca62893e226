internal import CLinux
import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the command with `/bin/sh -c` on this machine: for a poller that runs on the head node itself.
///
/// The child gets its own process group, so a timeout stops the shell and everything it started (a hung
/// `scontrol` included). Both pipes are drained together with `poll(2)`, so tens of MB of output neither
/// deadlock nor copy quadratically. The blocking loop runs on a thread of its own, never on the cooperative pool.
public struct LocalRunner: CommandRunner, ScriptRunner {
    public let sourceDescription = "local"
    /// The child's environment; the poller's own when nil.
    public let environment: [String: String]?

    public init(environment: [String: String]? = nil) {
        self.environment = environment
    }

    public func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandOutput {
        let environment = self.environment
        return try await offPool { () throws(RemoteError) in
            try Self.runBlocking(command, timeout: timeout, environment: environment)
        }
    }

    /// `input` reaches the command from an unlinked temporary file, so a command that never reads it can neither
    /// block us nor kill us with SIGPIPE.
    public func run(_ command: String, input: [UInt8], timeout: Duration) async throws(RemoteError) -> CommandOutput {
        let environment = self.environment
        return try await offPool { () throws(RemoteError) in
            // mkostemp replaces the trailing six X with a unique name.
            let unique = String(repeating: "X", count: 6)
            var template = Array((NSTemporaryDirectory() + "/slurmbot-input-" + unique).utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { clinux_mkstemp_cloexec($0.baseAddress!) }
            guard descriptor >= 0 else { throw .launchFailed(String(cString: strerror(errno))) }
            defer { close(descriptor) }
            unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
            var written = 0
            while written < input.count {
                let count = input[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { throw .launchFailed(String(cString: strerror(errno))) }
                written += count
            }
            lseek(descriptor, 0, SEEK_SET)
            return try Self.runBlocking(command, timeout: timeout, environment: environment, stdin: descriptor)
        }
    }

    /// - Parameter stdin: the descriptor the command reads; /dev/null when nil.
    static func runBlocking(
        _ command: String, timeout: Duration, environment: [String: String]?, stdin: Int32? = nil
    ) throws(RemoteError) -> CommandOutput {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        // Close-on-exec from the start: with several probes running at once, a pipe made without it leaks into
        // another thread's child, which then holds its write end open and delays this command's end of file.
        guard clinux_pipe_cloexec(&outPipe) == 0 else { throw .launchFailed(String(cString: strerror(errno))) }
        guard clinux_pipe_cloexec(&errPipe) == 0 else {
            close(outPipe[0])
            close(outPipe[1])
            throw .launchFailed(String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map {
            $0.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { envp?.forEach { free($0) } }
        let spawned =
            envp.map { posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw .launchFailed(String(cString: strerror(spawned)))
        }

        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout.seconds) * 1e9)
        var out: [UInt8] = []
        var err: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var timedOut = false
        while !open.isEmpty {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline {
                timedOut = true
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(1000, (deadline - now) / 1_000_000 + 1)))
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    if entry.fd == outPipe[0] {
                        out.append(contentsOf: buffer[0..<count])
                    } else {
                        err.append(contentsOf: buffer[0..<count])
                    }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        if timedOut {
            kill(-pid, SIGTERM)
            usleep(200_000)
            kill(-pid, SIGKILL)
            open.forEach { close($0) }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if timedOut { throw .timedOut(seconds: timeout.seconds) }
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return CommandOutput(
            stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
            status: exitStatus)
    }
}
