import Foundation
import Remote

/// Facts about the lab's SSH servers, read independently of the code under test.
enum SSHFixtures {
    /// `SHA256:…` of a lab key file under `$LAB/ssh/`, as OpenSSH's `ssh-keygen -l` prints it.
    static func fingerprint(of relativePath: String) throws -> String {
        let line = try String(contentsOfFile: Lab.directory + "/ssh/" + relativePath, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-lf", "-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(line.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(text.split(separator: " ")[1])
    }

    /// `TYPE BASE64` of a lab key file under `$LAB/ssh/`, as a known_hosts line carries it after the host names.
    static func publicKey(_ relativePath: String) throws -> String {
        try String(contentsOfFile: Lab.directory + "/ssh/" + relativePath, encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// How many commands the head node's sshd has started so far (its log says so for each).
    static func commandsStarted() -> Int {
        let log = (try? String(contentsOfFile: Lab.directory + "/log/sshd-head.log", encoding: .utf8)) ?? ""
        return log.components(separatedBy: "Starting session: command for").count - 1
    }

    /// Waits for the next command to start on the head node, lets its first output go out, then kills every open
    /// connection of `role`'s sshd: a link cut in the middle of a poll.
    static func killSessionsOnceOutputStarts(on role: String) async throws {
        let before = commandsStarted()
        let limit = ContinuousClock.now + .seconds(15)
        while commandsStarted() == before {
            guard ContinuousClock.now < limit else { throw Lab.Failure(description: "no command started on the head") }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(700))
        try await Lab.run("kill-sessions", role)
    }

    /// Lines of `role`'s sshd log that record a login attempt (accepted or failed), to prove none was made.
    static func loginAttempts(on role: String) -> Int {
        let log = (try? String(contentsOfFile: Lab.directory + "/log/sshd-\(role).log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter {
            $0.hasPrefix("Accepted ") || $0.hasPrefix("Failed ") || $0.hasPrefix("Postponed ")
        }.count
    }
}
