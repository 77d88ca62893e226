public import Foundation

/// Finds files under the repository's `Fixtures/` folder, wherever the tests run from.
public enum Fixtures {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    public static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Relative paths of every file in a fixture folder with the given extension, sorted.
    public static func files(in folder: String, ext: String = "txt") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(folder))) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { folder + "/" + $0 }
    }
}

/// A fresh temporary directory for one test, removed by the caller with `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "slurmbot-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String {
        path + "/" + name
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Executables built by this package, for tests that run them as a user would.
public enum Products {
    /// The path of a built executable beside the test bundle (or in `.build/debug`), or nil when not built.
    public static func path(_ name: String) -> String? {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent(name).path
        let debug = Fixtures.root.deletingLastPathComponent().appendingPathComponent(".build/debug/" + name).path
        return [besideTests, debug].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs an executable to completion and returns its exit status, stdout and stderr; `input` is its stdin.
    /// The wait is on a thread of its own: a demo that takes half a minute must not hold one of the cooperative
    /// pool's few threads (every other test's timers stall behind it).
    public static func run(
        _ name: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await offPool { try runBlocking(name, arguments, environment: environment, input: input) }
    }

    private static func runBlocking(
        _ name: String, _ arguments: [String], environment: [String: String], input: String?
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let path = path(name) else { throw MissingProduct(name: name) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("SLURM") || key.hasPrefix("DISCORD") || key == "CHECK_INTERVAL" {
            env[key] = nil
        }
        env["SLURMBOT_ENV_FILE"] = "/dev/null"
        process.environment = env.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdoutData, as: UTF8.self),
            String(decoding: stderrData, as: UTF8.self)
        )
    }

    public struct MissingProduct: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "\(name) is not built; run swift build first" }
    }
}
