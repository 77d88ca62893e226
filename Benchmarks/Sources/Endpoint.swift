// The raw verify rate is the reference the endpoint is measured against, so the benchmark calls libsodium itself.
import CSodium
import DiscordModels
import DiscordAPI
import FixtureSupport
import Foundation
import Logging
import Poller
import Remote
import SimulatedRunner
import Simulation
import Store

/// `wrk` against the built slurmbot-server (release): validly signed PINGs and bad signatures, 64 and 256
/// connections, straight to the server and through Caddy; beside it, libsodium's raw verify rate on this machine;
/// then PING latency while the server is flooded with tiny chunks and while 5,000 idle sockets are open.
func endpointBenchmark() async throws {
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
    let wrk = Wrk(directory: directory, key: key)
    try await wrk.startServer(repository: repository, database: directory + "/bench.db", port: serverPort)
    _ = try await shell.run(
        "env SLURMBOT_SITE=http://127.0.0.1:\(caddyPort) CADDY_ADMIN=off SLURMBOT_UPSTREAM=127.0.0.1:\(serverPort) "
            + "XDG_DATA_HOME=\(directory)/caddy XDG_CONFIG_HOME=\(directory)/caddy "
            + "caddy run --config \(repository)/Caddyfile --adapter caddyfile >\(directory)/caddy.log 2>&1 & "
            + "echo $! >\(directory)/caddy.pid", timeout: .seconds(10))
    defer {
        wrk.stop("server")
        wrk.stop("caddy")
    }
    try await Task.sleep(for: .seconds(1))

    // A well-formed signature by another key: libsodium must do all its work before refusing it, the worst case.
    let kinds = [
        ("PING", try wrk.script("ping", body: Wrk.ping)),
        ("forged", try wrk.script("forged", body: Wrk.ping, signedBy: SigningKey())),
        ("/status", try wrk.script("status", body: Wrk.command("status"))),
    ]
    print("wrk, \(seconds) s each, 2 threads (\(nproc()) cores shared by wrk, the server and Caddy):")
    print("  target   connections  request   requests/s  p99        of the raw 1-core verify rate")
    for (name, port) in [("direct", serverPort), ("Caddy", caddyPort)] {
        for connections in [64, 256] {
            for (kind, file) in kinds {
                let result = try await wrk.run(file, port: port, connections: connections, seconds: seconds)
                let (rate, p99) = (result.rate, result.p99)
                let errors = result.non2xx && kind != "forged" ? "  (non-2xx answers!)" : ""
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
