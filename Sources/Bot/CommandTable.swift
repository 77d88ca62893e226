public import DiscordModels

/// The commands, built once and then frozen: a lookup by name, and the definitions to register.
public struct CommandTable: Sendable {
    private let handlers: [String: any SlashCommand]
    /// What `register-commands` sends: every command, handled or not yet.
    public let definitions: [CommandDefinition]

    public init(handlers: [any SlashCommand], definitions: [CommandDefinition] = CommandCatalog.all) {
        var byName: [String: any SlashCommand] = [:]
        for handler in handlers {
            precondition(byName[handler.definition.name] == nil, "two handlers for /\(handler.definition.name)")
            byName[handler.definition.name] = handler
        }
        self.handlers = byName
        self.definitions = definitions
    }

    /// The commands with handlers today.
    public static var standard: CommandTable {
        let handlers: [any SlashCommand] = [
            StatusCommand(), QueueCommand(), HistoryCommand(), HeatmapCommand(), InspectCommand(), CanRunCommand(),
            WhyCommand(), WatchCommand(), UnwatchCommand(), WatchesCommand(),
        ]
        let available = Set(handlers.map(\.definition.name) + ["help"])
        return CommandTable(handlers: handlers + [HelpCommand(definitions: CommandCatalog.all, available: available)])
    }

    public func handler(named name: String) -> (any SlashCommand)? {
        handlers[name]
    }

    /// Registered, but its handler has not arrived in this version.
    public func isDefinedOnly(_ name: String) -> Bool {
        handlers[name] == nil && definitions.contains { $0.name == name }
    }
}
