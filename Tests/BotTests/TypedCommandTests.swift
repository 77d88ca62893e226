import DiscordModels
import Foundation
import Testing

@testable import Commands

@Suite("slash commands typed as in Discord, checked as Discord's client checks them")
struct TypedCommandTests {
    @Test("options take their declared kinds; quotes keep spaces and colons; the JSON decodes as an interaction")
    func parsing() throws {
        let typed = try TypedCommand(parsing: #"  /canrun cpus:16 time:"2-00:00:00"   gpus:1 "#)
        #expect(typed.name == "canrun" && typed.options.map(\.name) == ["cpus", "time", "gpus"])
        #expect(typed.options.map(\.value) == [.integer(16), .string("2-00:00:00"), .integer(1)])
        #expect(typed.text == #"/canrun cpus:16 time:"2-00:00:00" gpus:1"#)
        let body = typed.interactionJSON(id: "1", token: "t", applicationID: "2", guild: "3", user: "4")
        let interaction = try JSONDecoder().decode(Interaction.self, from: Data(body))
        #expect(interaction.type == .applicationCommand && interaction.data?.name == "canrun")
        #expect(interaction.data?.options?.map(\.type) == [4, 3, 4] && interaction.invoker?.id == "4")
        #expect(try TypedCommand(parsing: "status").options.isEmpty, "the slash is optional")
        #expect(
            try TypedCommand(parsing: #"/canrun time:"4:00:00""#).options.first?.value == .string("4:00:00"))
    }

    @Test("every mistake is named: unknown command or option, missing, twice, wrong kind, out of range, bad choice")
    func problems() {
        let cases: [(String, String)] = [
            ("", "type a command"),
            ("/frobnicate", "no command /frobnicate; the commands are /status"),
            ("/status node:n1", "/status has no option node; it takes partition, cluster"),
            ("/help partition:gpu", "/help has no option partition; it takes none"),
            ("/inspect", "/inspect needs node:…"),
            ("/status gpu", "write options as name:value"),
            ("/status partition:a partition:b", "partition is given twice"),
            ("/history hours:many", "hours takes a whole number"),
            ("/history hours:0", "hours is at least 1"),
            ("/history hours:721", "hours is at most 720"),
            ("/history metric:watts", "metric is one of nodes, cpus, gpus"),
            ("/why job:\(String(repeating: "9", count: 25))", "job is at most 24 characters"),
            (#"/why job:"12"#, "a quote is not closed"),
            ("/status partition:", "partition is empty"),
        ]
        for (text, expected) in cases {
            #expect(throws: TypedCommand.Problem.self, "\(text)") { try TypedCommand(parsing: text) }
            do {
                _ = try TypedCommand(parsing: text)
            } catch {
                #expect(error.description.hasPrefix(expected), "\(text): \(error.description)")
            }
        }
    }

    @Test("a reply as terminal text: title, description, fields, image, footer, buttons, who sees it")
    func replyText() {
        let message = MessagePayload(
            content: "hello",
            embeds: [
                Embed(
                    title: "T", description: "D", footer: .init(text: "F"), image: .init(url: "attachment://a.png"),
                    fields: [.init(name: "N", value: "V")])
            ], components: RefreshButton.rows(command: "status", options: []))
        #expect(
            ReplyText.render(message, ephemeral: true)
                == "(only the person who asked sees this)\nhello\n■ T\nD\n\n▸ N\nV\n[image: attachment://a.png]\n— F\n[Refresh]\n"
        )
    }
}
