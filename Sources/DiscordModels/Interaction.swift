/// An interaction as Discord posts it (only the fields slurmbot reads; the rest are ignored).
public struct Interaction: Decodable, Sendable {
    public var id: String
    public var applicationID: String
    public var type: InteractionType
    /// Valid for 15 minutes: follow-ups and edits of the original reply use it.
    public var token: String
    public var version: Int?
    public var data: InteractionData?
    public var guildID: String?
    public var channelID: String?
    /// The invoking member, in a guild.
    public var member: Member?
    /// The invoking user, in a DM.
    public var user: User?
    public var locale: String?
    /// Largest file this interaction may attach, in bytes.
    public var attachmentSizeLimit: Int?

    enum CodingKeys: String, CodingKey {
        case id, type, token, version, data, member, user, locale
        case applicationID = "application_id"
        case guildID = "guild_id"
        case channelID = "channel_id"
        case attachmentSizeLimit = "attachment_size_limit"
    }

    /// Whoever invoked it, in a guild or a DM.
    public var invoker: User? { member?.user ?? user }
}

/// Kept as its raw number, so a type Discord adds later decodes (and is answered) instead of failing.
public struct InteractionType: RawRepresentable, Codable, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let ping = InteractionType(rawValue: 1)
    public static let applicationCommand = InteractionType(rawValue: 2)
    public static let messageComponent = InteractionType(rawValue: 3)
    public static let autocomplete = InteractionType(rawValue: 4)
    public static let modalSubmit = InteractionType(rawValue: 5)
}

public struct InteractionData: Decodable, Sendable {
    /// Command name (commands, autocomplete).
    public var name: String?
    public var options: [CommandOption]?
    /// The clicked component's id (components).
    public var customID: String?
    public var componentType: Int?

    enum CodingKeys: String, CodingKey {
        case name, options
        case customID = "custom_id"
        case componentType = "component_type"
    }
}

public struct CommandOption: Decodable, Sendable {
    public var name: String
    public var type: Int
    public var value: OptionValue?
    /// Subcommand options.
    public var options: [CommandOption]?
    /// The option being typed (autocomplete).
    public var focused: Bool?
}

/// An option's value: Discord sends strings, integers, numbers or booleans.
public enum OptionValue: Decodable, Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case boolean(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public var string: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .boolean(let value): String(value)
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: Int64(value)
        case .string(let value): Int64(value)
        default: nil
        }
    }
}

public struct Member: Decodable, Sendable {
    public var user: User?
    public var roles: [String]?
}

public struct User: Decodable, Sendable, Hashable {
    public var id: String
    public var username: String?
}
