import DiscordModels

/// `/help`: what each command does, and which ones this version answers.
struct HelpCommand: SlashCommand {
    let definitions: [CommandDefinition]
    let available: Set<String>
    let ephemeral = true

    init(definitions: [CommandDefinition], available: Set<String>) {
        self.definitions = definitions
        self.available = available
    }

    var definition: CommandDefinition { CommandCatalog.definition("help") }

    func run(_ context: CommandContext) async -> Reply {
        let fields = definitions.filter { available.contains($0.name) }.map { command in
            let options = command.options.map { $0.required == true ? $0.name : "[\($0.name)]" }
            return Embed.Field(
                name: "/\(([command.name] + options).joined(separator: " "))", value: command.description)
        }
        let later = definitions.filter { !available.contains($0.name) }.map { "/\($0.name)" }
        var description =
            "slurmbot shows this Slurm cluster in Discord. Data comes from the poller; every answer says how old it is."
        if !later.isEmpty { description += "\n\nComing in a later version: " + later.joined(separator: ", ") + "." }
        return Reply(
            message: MessagePayload(embeds: [
                Embed(title: "slurmbot commands", description: description, color: 0x5865F2, fields: fields)
            ]),
            ephemeral: true)
    }
}
