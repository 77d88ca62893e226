internal import CSSH2

#if canImport(Glibc)
    import Glibc
#endif

/// One SSH channel: a command's session channel, or the bastion's `direct-tcpip` channel of a jump.
///
/// It keeps its session alive and is confined to the same thread.
final class SSHChannel {
    /// 8 MiB of receive window lets tens of MB of poll output stream without stalling on window adjustments.
    static let receiveWindow: UInt32 = 8 * 1024 * 1024
    static let packetSize: UInt32 = 32_768
    /// What `read` and `write` return when they would block.
    static let wouldBlock = Int(LIBSSH2_ERROR_EAGAIN)

    let session: SSHSession
    private let handle: OpaquePointer

    init(session: SSHSession, handle: OpaquePointer) {
        self.session = session
        self.handle = handle
    }

    /// A channel that ended normally is closed already and frees at once. One abandoned mid-command would wait for
    /// the server to confirm the close, which it does only when the command ends: no wait, the session's teardown
    /// (right after, on a socket it has shut) frees whatever is left.
    deinit {
        _ = libssh2_channel_free(handle)
    }

    // MARK: - Running a command

    /// Runs `command` with the user's shell, `input` on its stdin (then closed), and returns what it printed and
    /// how it ended.
    ///
    /// Output that stops early (the link drops, the server dies) is an error, never a short success; past the
    /// deadline the channel is abandoned.
    func execute(_ command: String, input: [UInt8] = [], until deadline: Deadline) throws(SSHError) -> CommandOutput {
        let started = try session.call(.command, until: deadline) {
            libssh2_channel_process_startup(handle, "exec", 4, command, UInt32(command.utf8.count))
        }
        guard started == 0 else {
            throw .commandRefused(session.hop, reason: session.lastError)
        }
        var sent = 0
        while sent < input.count {
            let count = input[sent...].withUnsafeBytes { write($0) }
            if count == Self.wouldBlock {
                try session.waitForSocket(.command, until: deadline)
            } else if count < 0 {
                throw session.failure(Int32(count), step: .command, bytesReceived: 0)
            } else {
                sent += count
            }
        }
        try session.call(.command, until: deadline) { libssh2_channel_send_eof(handle) }

        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        stdout.reserveCapacity(1 << 20)
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        func lost(_ code: Int) -> SSHError {
            session.failure(Int32(code), step: .command, bytesReceived: stdout.count + stderr.count)
        }
        do throws(SSHError) {
            var rechecked = false
            while true {
                if deadline.hasPassed { throw .commandTimedOut(seconds: deadline.budgetSeconds, bytesReceived: 0) }
                var progressed = false
                for stream: Int32 in [0, SSH_EXTENDED_DATA_STDERR] {
                    while true {
                        let count = buffer.withUnsafeMutableBytes {
                            libssh2_channel_read_ex(
                                handle, stream, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
                        }
                        if count > 0 {
                            if stream == 0 {
                                stdout.append(contentsOf: buffer[0..<count])
                            } else {
                                stderr.append(contentsOf: buffer[0..<count])
                            }
                            progressed = true
                        } else if count == 0 || count == Int(LIBSSH2_ERROR_EAGAIN) {
                            break
                        } else {
                            throw lost(count)
                        }
                    }
                }
                if libssh2_channel_eof(handle) != 0 { break }
                if progressed {
                    rechecked = false
                    continue
                }
                // Reading one stream can queue the other's data without the socket turning readable again: look
                // once more before waiting, but only once, so no answer of libssh2's can make this loop spin.
                if !rechecked && (hasQueuedData(stream: 0) || hasQueuedData(stream: SSH_EXTENDED_DATA_STDERR)) {
                    rechecked = true
                    continue
                }
                rechecked = false
                try session.waitForSocket(.command, until: deadline)
            }
            try session.call(.command, until: deadline) { libssh2_channel_close(handle) }
            let closed = try session.call(.command, until: deadline) { libssh2_channel_wait_closed(handle) }
            if closed != 0 { throw lost(Int(closed)) }
        } catch {
            if case .commandTimedOut(let seconds, _) = error {
                throw .commandTimedOut(seconds: seconds, bytesReceived: stdout.count + stderr.count)
            }
            throw error
        }
        return CommandOutput(
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
            status: exitStatus())
    }

    /// The exit status, or 128 + the signal number when the command was killed, as a shell reports it.
    private func exitStatus() -> Int32 {
        var name: UnsafeMutablePointer<CChar>?
        var length = 0
        libssh2_channel_get_exit_signal(handle, &name, &length, nil, nil, nil, nil)
        guard let name else { return libssh2_channel_get_exit_status(handle) }
        let signal = String(decoding: UnsafeRawBufferPointer(start: name, count: length), as: UTF8.self)
        libssh2_free(session.handle, name)
        let numbers = [
            "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "ABRT": 6, "FPE": 8, "KILL": 9, "USR1": 10, "SEGV": 11,
            "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
        ]
        return 128 + Int32(numbers[signal] ?? 127)
    }

    // MARK: - Raw bytes, for the tunnel pump

    /// libssh2's answer: bytes read, 0 at end of data, `LIBSSH2_ERROR_EAGAIN` or another negative error.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        libssh2_channel_read_ex(handle, 0, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        libssh2_channel_write_ex(handle, 0, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
    }

    /// The server sent EOF and nothing of it is left unread.
    var isAtEnd: Bool { libssh2_channel_eof(handle) != 0 }

    /// Data of `stream` already taken off the socket and queued inside libssh2. Only 1 means yes: the call also
    /// answers with negative errors.
    func hasQueuedData(stream: Int32 = 0) -> Bool { libssh2_poll_channel_read(handle, stream) == 1 }

    func sendEOF() -> Int32 { libssh2_channel_send_eof(handle) }
}
