public import DiscordModels

/// The commands, built once and then frozen: a lookup by name, and the definitions to register.
public struct CommandTable: Sendable {
    private let handlers: [String: any SlashCommand]
    /// What `register-commands` sends and `/help` lists: the commands it has handlers for.
    public let definitions: [CommandDefinition]

    /// - Parameter definitions: what to register; by default the catalog's definitions of `handlers`.
    public init(handlers: [any SlashCommand], definitions: [CommandDefinition]? = nil) {
        var byName: [String: any SlashCommand] = [:]
        for handler in handlers {
            precondition(byName[handler.definition.name] == nil, "two handlers for /\(handler.definition.name)")
            byName[handler.definition.name] = handler
        }
        self.handlers = byName
        self.definitions = definitions ?? CommandCatalog.all.filter { byName[$0.name] != nil }
    }

    /// The commands with handlers today.
    public static var standard: CommandTable {
        let handlers: [any SlashCommand] = [
            StatusCommand(), QueueCommand(), HistoryCommand(), HeatmapCommand(), InspectCommand(), CanRunCommand(),
            WhyCommand(), WatchCommand(), UnwatchCommand(), WatchesCommand(), LinkCommand(), UnlinkCommand(),
            MyJobsCommand(), SummaryCommand(), AskCommand(),
        ]
        let listed = Set(handlers.map(\.definition.name) + ["help"])
        return CommandTable(
            handlers: handlers + [HelpCommand(definitions: CommandCatalog.all.filter { listed.contains($0.name) })])
    }

    public func handler(named name: String) -> (any SlashCommand)? {
        handlers[name]
    }
}
