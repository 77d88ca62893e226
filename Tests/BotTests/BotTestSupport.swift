import Analyst
import DiscordAPI
import DiscordModels
import FixtureSupport
import Foundation
import HTTPServer
import Logging
import Poller
import Remote
import Store

@testable import Commands
@testable import Endpoint

/// Interactions signed as Discord signs them, for one key pair.
struct Signer {
    let key = SigningKey()
    /// The fixture's poll time plus a minute: what "now" is in these tests.
    static let now: Int64 = 1_795_549_370

    var verifier: SignatureVerifier { SignatureVerifier(publicKeyHex: key.publicKeyHex)! }

    func request(_ json: String, timestamp: Int64 = Signer.now, path: String = "/interactions") -> HTTPRequest {
        let body = Array(json.utf8)
        let (signature, stamp) = key.headers(for: body, timestamp: timestamp)
        return HTTPRequest(
            method: "POST", target: path,
            headers: [
                "Host": "bot", "Content-Type": "application/json", "X-Signature-Ed25519": signature,
                "X-Signature-Timestamp": stamp,
            ], body: body)
    }

    static func command(
        _ name: String, options: [(String, String)] = [], guild: String? = "111", token: String = "tok",
        channel: String? = "555", roles: [String] = []
    ) -> String {
        let optionsJSON = options.map { #"{"name":"\#($0.0)","type":3,"value":"\#($0.1)"}"# }.joined(separator: ",")
        let guildJSON =
            (guild.map { #","guild_id":"\#($0)""# } ?? "") + (channel.map { #","channel_id":"\#($0)""# } ?? "")
        return
            #"{"id":"1","application_id":"42","type":2,"token":"\#(token)","version":1\#(guildJSON),"member":{"roles":[\#(roles.map { "\"\($0)\"" }.joined(separator: ","))],"user":{"id":"7","username":"ana"}},"data":{"id":"9","name":"\#(name)","type":1,"options":[\#(optionsJSON)]}}"#
    }

    static let ping = #"{"id":"1","application_id":"42","type":1,"token":"tok","version":1}"#
}

/// A database holding one real poll of the Slurm 22.05 lab (the fixture), cluster "lab".
func labDatabase() async throws -> (Database, TemporaryDirectory) {
    try await fixtureDatabase("lab-22.05", cluster: "lab")
}

/// One poll of a fixture folder (`nodes.txt`, `partitions.txt`…) into a new database, a minute before `Signer.now`.
func fixtureDatabase(_ folder: String, cluster: String) async throws -> (Database, TemporaryDirectory) {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.file("bot.db"))
    let poller = Poller(
        runner: FixtureRunner(directory: Fixtures.path(folder)), database: database, cluster: cluster,
        logger: Logger(label: "test"))
    _ = try await poller.pollOnce(now: Signer.now - 60)
    return (database, directory)
}

extension HTTPResponse {
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The endpoint as the server builds it, with a fixed clock. Replies are answered at once unless a test asks for
/// deferral with a short `deferAfter`: the server's 2 s would defer them on a machine busy with the other tests.
func endpoint(
    signer: Signer, database: Database?, discordBase: String = "http://127.0.0.1:9/api/v10",
    commands: CommandTable = .standard, guilds: Set<String> = [], deferAfter: Duration = .seconds(30),
    commandRoles: [String: Set<String>] = [:], analyst: any Analyst = BuiltInAnalyst()
) -> InteractionEndpoint {
    InteractionEndpoint(
        configuration: EndpointConfiguration(
            verifier: signer.verifier, guildAllowList: guilds, deferAfter: deferAfter,
            timeZone: TimeZone(identifier: "UTC")!, defaultCluster: "lab", commandRoles: commandRoles,
            analyst: analyst),
        commands: commands, database: database, discord: DiscordClient(baseURL: discordBase),
        logger: Logger(label: "test"), now: { Signer.now })
}
