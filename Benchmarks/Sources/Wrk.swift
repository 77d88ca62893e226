import DiscordAPI
import DiscordModels
import Foundation
import Remote

/// `wrk` runs against a server on loopback with one signed request repeated, and what it measured.
struct Wrk {
    let shell = LocalRunner()
    let directory: String
    let key: SigningKey
    let timestamp = Int64(Date().timeIntervalSince1970)

    struct Result {
        var rate: Double
        var p99: String
        var non2xx: Bool
    }

    /// A wrk script POSTing `body` with Discord's signature headers by `signer` (the server's key by default).
    func script(_ name: String, body: String, signedBy signer: SigningKey? = nil) throws -> String {
        let path = "\(directory)/\(name).lua"
        let (signature, stamp) = (signer ?? key).headers(for: Array(body.utf8), timestamp: timestamp)
        try """
        wrk.method = "POST"
        wrk.body = '\(body)'
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["X-Signature-Ed25519"] = "\(signature)"
        wrk.headers["X-Signature-Timestamp"] = "\(stamp)"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ script: String, port: Int, connections: Int, seconds: Int) async throws -> Result {
        let run = try await shell.run(
            "wrk -t2 -c\(connections) -d\(seconds)s --latency -s \(script) http://127.0.0.1:\(port)/interactions",
            timeout: .seconds(seconds + 30))
        // Without wrk (Benchmarks/run installs it) or when it fails, there is no result to read: say so.
        guard run.stdout.contains("Requests/sec:") else {
            throw BenchmarkError("wrk printed no result (is it installed? Benchmarks/run installs it): \(run.stderr)")
        }
        let rate =
            run.stdout.components(separatedBy: "Requests/sec:").last.flatMap {
                $0.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first.flatMap {
                    Double($0)
                }
            } ?? 0
        let p99 =
            run.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%") }
            .map { String($0.split(separator: " ").last ?? "?") } ?? "?"
        return Result(rate: rate, p99: p99, non2xx: run.stdout.contains("Non-2xx"))
    }

    /// An application command interaction as Discord sends it, with `options` as JSON.
    static func command(_ name: String, options: String = "[]") -> String {
        #"{"id":"1","application_id":"42","type":2,"token":"tok","version":1,"guild_id":"1","data":{"name":""#
            + name + #"","options":"# + options + "}}"
    }

    static let ping = #"{"id":"1","application_id":"42","type":1,"token":"tok","version":1}"#

    /// Starts the release slurmbot-server on `database`; its pid file is `directory/server.pid`.
    func startServer(repository: String, database: String, port: Int) async throws {
        let environment =
            "DISCORD_PUBLIC_KEY=\(key.publicKeyHex) SLURMBOT_LISTEN=127.0.0.1:\(port) SLURMBOT_DB=\(database) "
            + "SLURMBOT_ENV_FILE=/dev/null DISCORD_TIMESTAMP_WINDOW=0"
        _ = try await shell.run(
            "env \(environment) \(repository)/.build/release/slurmbot-server >\(directory)/server.log 2>&1 & "
                + "echo $! >\(directory)/server.pid",
            timeout: .seconds(10))
    }

    func stop(_ name: String) {
        if let pid = try? String(contentsOfFile: "\(directory)/\(name).pid", encoding: .utf8) {
            kill(pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, SIGTERM)
        }
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.padding(toLength: width, withPad: " ", startingAt: 0)
}

/// The repository's root, for the release binaries and the Caddyfile.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
