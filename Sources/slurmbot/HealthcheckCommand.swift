import ArgumentParser
import Foundation
import HTTPClient
import SlurmbotSettings

/// `slurmbot healthcheck`: asks a running slurmbot-server's `/healthz`; exit 0 only on 200. The container image's
/// HEALTHCHECK runs it, since the runtime image carries no curl or wget.
struct HealthcheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck", abstract: "Ask a running slurmbot-server whether it is healthy (/healthz).")

    @Option(help: "The URL to ask. Default: /healthz at $SLURMBOT_LISTEN (0.0.0.0 and :: asked on loopback).")
    var url: String?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Int = 3

    func run() async throws {
        var target = url ?? ""
        if url == nil { target = try Self.defaultURL(await Settings.load()) }
        let client = HTTPClient(userAgent: "slurmbot-healthcheck", idleHandles: 0, concurrentTransfers: 1)
        do {
            let response = try await client.execute(
                HTTPClientRequest(method: "GET", url: target, timeout: .seconds(max(1, timeout))))
            let body = String(decoding: response.body.prefix(300), as: UTF8.self)
            print("\(target): \(response.status) \(body)")
            if response.status != 200 { throw ExitCode(1) }
        } catch let error as HTTPClientError {
            print("\(target): no answer (\(error))")
            throw ExitCode(1)
        }
    }

    static func defaultURL(_ settings: Settings) throws -> String {
        let (host, port) = try settings.listenAddress()
        let asked =
            switch host {
            case "0.0.0.0", "": "127.0.0.1"
            case "::": "[::1]"
            default: host.contains(":") ? "[\(host)]" : host
            }
        return "http://\(asked):\(port)/healthz"
    }
}
