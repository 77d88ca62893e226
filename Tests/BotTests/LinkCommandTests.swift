import DiscordModels
import FixtureSupport
import Foundation
import Store
import Testing

@testable import Commands

@Suite("/link, /unlink, /myjobs: an account proven by a job, and the jobs of that account")
struct LinkCommandTests {
    static func link(_ database: Database) async throws -> Link? {
        try await database.run { try $0.link(cluster: "lab", discordUser: "7") }
    }

    @Test("/link answers a one-time code and the sbatch line that proves it; a new /link replaces the code")
    func request() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let reply = try await run("link", [("cluster_user", "alice")], on: database)
        #expect(reply.ephemeral)
        let pending = try #require(try await Self.link(database))
        #expect(pending.clusterUser == "alice" && pending.linkedAt == nil && pending.code.count == 8)
        #expect(pending.issuedAt == Signer.now && pending.expiresAt == Signer.now + 1800)
        #expect(reply.text.contains("sbatch --job-name=slurmbot-link-\(pending.code) --time=1 --wrap=true"))
        #expect(reply.text.contains("as alice"), "\(reply.text)")
        #expect(pending.code.allSatisfy { "ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains($0) })
        _ = try await run("link", [("cluster_user", "alice")], on: database)
        let again = try #require(try await Self.link(database))
        #expect(again.code != pending.code, "a new code each time (the old one stops working)")
    }

    @Test("hostile or missing names are refused before anything is stored")
    func refused() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        for name in ["alice; rm -rf ~", "$(id)", "a b", String(repeating: "x", count: 80)] {
            let reply = try await run("link", [("cluster_user", name)], on: database)
            #expect(reply.ephemeral && reply.text.contains("not one Slurm would use"), "\(name): \(reply.text)")
        }
        #expect(try await run("link", [], on: database).text.contains("Give the Slurm account"))
        #expect(try await Self.link(database) == nil)
    }

    @Test("/myjobs needs a completed link; then lists that account's running and waiting jobs only")
    func myJobs() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let before = try await run("myjobs", [], on: database)
        #expect(before.ephemeral && before.text.contains("/link cluster_user:"))
        _ = try await run("link", [("cluster_user", "alice")], on: database)
        #expect(try await run("myjobs", [], on: database).text.contains("not linked"), "pending is not linked")
        try await database.run { connection in
            let pending = try #require(try connection.link(cluster: "lab", discordUser: "7"))
            try connection.execute("UPDATE links SET linked_at = \(Signer.now) WHERE code = '\(pending.code)'")
        }
        let mine = try await run("myjobs", [], on: database)
        let embed = try #require(mine.message.embeds?.first)
        #expect(embed.title == "Your jobs on lab (alice)")
        let text = mine.text
        #expect(text.contains("`4` train-resnet: on n1, time limit <t:"), "\(text)")
        #expect(text.contains("`17` big-mem-2: lower priority than other waiting jobs; Slurm expects it <t:"))
        #expect(text.contains("`20` admin-held: held by an admin\n"), "no estimate for a held job: \(text)")
        #expect(text.contains("`12_[3-6%2]` sweep ×4: "), "the array's tasks counted: \(text)")
        #expect(!text.contains("md-sim") && !text.contains("`1`"), "bob's jobs are not alice's: \(text)")
        #expect(text.contains("/why job:<id>"))
    }

    @Test("/unlink ends the link and the job-end DMs it brought; a pending request is cancelled")
    func unlink() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        #expect(try await run("unlink", [], on: database).text.contains("You have no link on cluster lab"))
        _ = try await run("link", [("cluster_user", "alice")], on: database)
        #expect(try await run("unlink", [], on: database).text.contains("Cancelled your request to link `alice`"))
        _ = try await run("link", [("cluster_user", "alice")], on: database)
        try await database.run { connection in
            try connection.execute("UPDATE links SET linked_at = 1")
            try connection.addWatch(
                Watch(cluster: "lab", kind: .user, subject: "alice", discordUser: "7", notify: .dm, createdAt: 1))
        }
        let done = try await run("unlink", [], on: database)
        #expect(done.text == "Unlinked `alice` on cluster lab. Its job-end DMs stop too.", "\(done.text)")
        #expect(try await database.run { try $0.watches(cluster: "lab") }.isEmpty)
        #expect(try await Self.link(database) == nil)
    }
}
