public import Analyst
public import DiscordModels
public import Foundation
public import SlurmKit
public import Store

/// One slash command: its registration and its handler. Adding a command is one new file with a type conforming to
/// this, plus its line in `CommandTable.standard`.
public protocol SlashCommand: Sendable {
    var definition: CommandDefinition { get }
    /// Whether the answer is for the invoker only (errors always are).
    var ephemeral: Bool { get }
    /// A function of the interaction, the store and the clock: no sockets, so it is tested directly.
    func run(_ context: CommandContext) async -> Reply
}

/// What a handler may read: the interaction, its options, the store (read-only) and the clock.
public struct CommandContext: Sendable {
    public var interaction: Interaction
    public var options: [String: OptionValue]
    /// Nil when the server runs without a database (only PING, /help and errors then).
    public var database: Database?
    public var now: Int64
    public var timeZone: TimeZone
    /// The cluster to use when the database holds several and the user named none.
    public var defaultCluster: String
    /// Reads load and memory on a node for `/inspect`; nil when none is configured.
    public var nodeProbe: (any NodeProbe)?
    /// Who answers `/ask` (the built-in analyst unless a model is configured).
    public var analyst: any Analyst

    /// - Parameter options: the options to use instead of the interaction's (a Refresh button carries its own).
    public init(
        interaction: Interaction, database: Database?, now: Int64, timeZone: TimeZone, defaultCluster: String,
        nodeProbe: (any NodeProbe)? = nil, analyst: any Analyst = BuiltInAnalyst(),
        options override: [String: OptionValue]? = nil
    ) {
        self.nodeProbe = nodeProbe
        self.analyst = analyst
        self.interaction = interaction
        self.database = database
        self.now = now
        self.timeZone = timeZone
        self.defaultCluster = defaultCluster
        var options: [String: OptionValue] = [:]
        for option in interaction.data?.options ?? [] {
            if let value = option.value { options[option.name] = value }
        }
        self.options = override ?? options
    }

    public func string(_ name: String) -> String? { options[name]?.string }
}

/// A handler's answer: the message, files to attach (PNG charts), and whether only the invoker sees it.
public struct Reply: Sendable {
    public var message: MessagePayload
    public var files: [DiscordFile]
    public var ephemeral: Bool
    /// What went wrong inside, for the log only; the user sees the message.
    public var failure: String?

    public init(message: MessagePayload, files: [DiscordFile] = [], ephemeral: Bool = false) {
        var message = message
        if ephemeral { message.flags = (message.flags ?? 0) | MessagePayload.ephemeral }
        message.allowedMentions = message.allowedMentions ?? .nobody
        self.message = message
        self.files = files
        self.ephemeral = ephemeral
    }

    /// A problem for the user: short, ephemeral, with no internal detail (that goes to the log).
    public static func problem(_ text: String) -> Reply {
        forAsker(text)
    }

    /// A short text only the asker sees (a confirmation, say).
    public static func forAsker(_ text: String) -> Reply {
        Reply(message: MessagePayload(content: text), ephemeral: true)
    }

    /// A problem caused by `error` on our side: the user gets `text`, the log gets the error.
    public static func failure(_ text: String, logging error: any Error) -> Reply {
        var reply = problem(text)
        reply.failure = String(describing: error)
        return reply
    }

    /// The store could not be read (locked past the timeout, corrupt, missing).
    static func storeFailure(_ error: any Error) -> Reply {
        failure("The cluster data cannot be read right now; the admins can find the error in the logs.", logging: error)
    }
}
