import DiscordModels

/// `/help`: what each command does.
struct HelpCommand: SlashCommand {
    let definitions: [CommandDefinition]
    let ephemeral = true

    init(definitions: [CommandDefinition]) {
        self.definitions = definitions
    }

    var definition: CommandDefinition { CommandCatalog.definition("help") }

    func run(_ context: CommandContext) async -> Reply {
        let fields = definitions.map { command in
            let options = command.options.map { $0.required == true ? $0.name : "[\($0.name)]" }
            return Embed.Field(
                name: "/\(([command.name] + options).joined(separator: " "))", value: command.description)
        }
        let description =
            "slurmbot shows this Slurm cluster in Discord. Data comes from the poller; every answer says how old it is."
        return Reply(
            message: MessagePayload(embeds: [
                Embed(title: "slurmbot commands", description: description, color: 0x5865F2, fields: fields)
            ]),
            ephemeral: true)
    }
}
