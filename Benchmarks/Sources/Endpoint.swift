// The raw verify rate is the reference the endpoint is measured against, so the benchmark calls libsodium itself.
import CSodium
import Discord
import FixtureSupport
import Foundation
import Logging
import Poller
import Remote
import Simulation
import Store

/// `wrk` against the built slurmbot-server (release): validly signed PINGs and bad signatures, 64 and 256
/// connections, straight to the server and through Caddy; beside it, libsodium's raw verify rate on this machine;
/// then PING latency while the server is flooded with tiny chunks and while 5,000 idle sockets are open.
func endpointBenchmark() async throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let shell = LocalRunner()
    let seconds = Int(arguments.firstIndex(of: "--seconds").flatMap { Int(arguments[$0 + 1]) } ?? 10)

    // libsodium alone: the ceiling for an endpoint that must verify every request.
    let key = SigningKey()
    let body = Array(#"{"id":"1","application_id":"42","type":1,"token":"tok","version":1}"#.utf8)
    let timestamp = Int64(Date().timeIntervalSince1970)
    let (signature, stamp) = key.headers(for: body, timestamp: timestamp)
    let signatureBytes = (0..<64).map { UInt8(signature.dropFirst($0 * 2).prefix(2), radix: 16)! }
    let message = Array(stamp.utf8) + body
    let publicKey = key.publicKey
    _ = sodium_init()
    func verifyRate(threads: Int) -> Double {
        let perThread = 20_000
        let group = DispatchGroup()
        let started = ContinuousClock.now
        for _ in 0..<threads {
            group.enter()
            Thread {
                for _ in 0..<perThread {
                    precondition(
                        crypto_sign_verify_detached(signatureBytes, message, UInt64(message.count), publicKey) == 0)
                }
                group.leave()
            }.start()
        }
        group.wait()
        let elapsed = ContinuousClock.now - started
        return Double(perThread * threads)
            / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    let raw1 = verifyRate(threads: 1)
    let raw2 = verifyRate(threads: 2)
    print(String(format: "libsodium crypto_sign_verify_detached: %.0f/s on one core, %.0f/s on two", raw1, raw2))

    // The server (release build) and Caddy in front of it.
    let directory = scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let serverPort = Ports.free()
    let caddyPort = Ports.free()
    // A database with one poll of the simulated cluster, for /status.
    let database = try Database(path: directory + "/bench.db")
    let clock = SimulationClock()
    _ = try await Poller(
        runner: SimulatedRunner(now: { clock.now }), database: database, cluster: "demo", logger: Logger(label: "bench")
    ).pollOnce()
    let environment =
        "DISCORD_PUBLIC_KEY=\(key.publicKeyHex) SLURMBOT_LISTEN=127.0.0.1:\(serverPort) SLURMBOT_DB=\(directory)/bench.db "
        + "SLURMBOT_ENV_FILE=/nonexistent DISCORD_TIMESTAMP_WINDOW=0"
    _ = try await shell.run(
        "env \(environment) \(repository)/.build/release/slurmbot-server >\(directory)/server.log 2>&1 & echo $! >\(directory)/server.pid",
        timeout: .seconds(10))
    _ = try await shell.run(
        "env SLURMBOT_SITE=http://127.0.0.1:\(caddyPort) CADDY_ADMIN=off SLURMBOT_UPSTREAM=127.0.0.1:\(serverPort) "
            + "XDG_DATA_HOME=\(directory)/caddy XDG_CONFIG_HOME=\(directory)/caddy "
            + "caddy run --config \(repository)/Caddyfile --adapter caddyfile >\(directory)/caddy.log 2>&1 & "
            + "echo $! >\(directory)/caddy.pid", timeout: .seconds(10))
    defer {
        for name in ["server", "caddy"] {
            if let pid = try? String(contentsOfFile: "\(directory)/\(name).pid", encoding: .utf8) {
                kill(pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, SIGTERM)
            }
        }
    }
    try await Task.sleep(for: .seconds(1))

    func script(_ name: String, body: [UInt8], signedBy signer: SigningKey) throws -> String {
        let path = "\(directory)/\(name).lua"
        let (signature, stamp) = signer.headers(for: body, timestamp: timestamp)
        try """
        wrk.method = "POST"
        wrk.body = '\(String(decoding: body, as: UTF8.self))'
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["X-Signature-Ed25519"] = "\(signature)"
        wrk.headers["X-Signature-Timestamp"] = "\(stamp)"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    let status = Array(
        #"{"id":"1","application_id":"42","type":2,"token":"tok","version":1,"guild_id":"1","data":{"name":"status"}}"#
            .utf8)
    // A well-formed signature by another key: libsodium must do all its work before refusing it, the worst case.
    let kinds = [
        ("PING", try script("ping", body: body, signedBy: key)),
        ("forged", try script("forged", body: body, signedBy: SigningKey())),
        ("/status", try script("status", body: status, signedBy: key)),
    ]
    print("wrk, \(seconds) s each, 2 threads (\(nproc()) cores shared by wrk, the server and Caddy):")
    print("  target   connections  request   requests/s  p99        of the raw 1-core verify rate")
    for (name, port) in [("direct", serverPort), ("Caddy", caddyPort)] {
        for connections in [64, 256] {
            for (kind, file) in kinds {
                let run = try await shell.run(
                    "wrk -t2 -c\(connections) -d\(seconds)s --latency -s \(file) http://127.0.0.1:\(port)/interactions",
                    timeout: .seconds(seconds + 30))
                let rate =
                    run.stdout.components(separatedBy: "Requests/sec:").last.flatMap {
                        Double($0.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")[0])
                    } ?? 0
                let p99 =
                    run.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%") }
                    .map { String($0.split(separator: " ").last ?? "?") } ?? "?"
                let errors = run.stdout.contains("Non-2xx") && kind != "forged" ? "  (non-2xx answers!)" : ""
                func pad(_ text: String, _ width: Int) -> String {
                    text.padding(toLength: width, withPad: " ", startingAt: 0)
                }
                print(
                    "  " + pad(name, 9) + pad(String(connections), 13) + pad(kind, 10)
                        + pad(String(format: "%.0f", rate), 12) + pad(p99, 11)
                        + String(format: "%.0f %%", rate / raw1 * 100)
                        + errors)
            }
        }
    }
    print("under attack, straight to the server:")
    endpointUnderAttack(port: serverPort, key: key)
}

func nproc() -> Int { ProcessInfo.processInfo.activeProcessorCount }
