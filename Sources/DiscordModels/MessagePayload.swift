/// A message's content: text, embeds, buttons, the attachments it keeps, and whom it may ping.
public struct MessagePayload: Codable, Sendable, Hashable {
    public static let ephemeral = 64

    public var content: String?
    public var embeds: [Embed]?
    public var flags: Int?
    public var components: [ActionRow]?
    /// On an edit, every attachment that should remain; new files are listed by their upload index as `id`.
    public var attachments: [AttachmentReference]?
    public var allowedMentions: AllowedMentions?
    /// With `enforceNonce`, Discord returns the message already created with this nonce (in the past few minutes)
    /// instead of creating a second one: how a retried alert stays one message. At most 25 characters.
    public var nonce: String?
    public var enforceNonce: Bool?

    enum CodingKeys: String, CodingKey {
        case content, embeds, flags, components, attachments, nonce
        case allowedMentions = "allowed_mentions"
        case enforceNonce = "enforce_nonce"
    }

    public init(
        content: String? = nil, embeds: [Embed]? = nil, flags: Int? = nil, components: [ActionRow]? = nil,
        attachments: [AttachmentReference]? = nil, allowedMentions: AllowedMentions? = nil
    ) {
        self.content = content
        self.embeds = embeds
        self.flags = flags
        self.components = components
        self.attachments = attachments
        self.allowedMentions = allowedMentions
    }
}

public struct AttachmentReference: Codable, Sendable, Hashable {
    public var id: Int
    public var filename: String
    public var description: String?

    public init(id: Int, filename: String, description: String? = nil) {
        self.id = id
        self.filename = filename
        self.description = description
    }
}

/// Who a message may ping; set explicitly, so a user name in text never pings anyone by accident.
public struct AllowedMentions: Codable, Sendable, Hashable {
    public var parse: [String]
    public var users: [String]?

    public init(parse: [String] = [], users: [String]? = nil) {
        self.parse = parse
        self.users = users
    }

    public static let nobody = AllowedMentions()
}

public struct Embed: Codable, Sendable, Hashable {
    public var title: String?
    public var description: String?
    public var url: String?
    public var color: Int?
    /// ISO 8601.
    public var timestamp: String?
    public var footer: Footer?
    public var image: Image?
    public var fields: [Field]?

    public init(
        title: String? = nil, description: String? = nil, url: String? = nil, color: Int? = nil,
        timestamp: String? = nil, footer: Footer? = nil, image: Image? = nil, fields: [Field]? = nil
    ) {
        self.title = title
        self.description = description
        self.url = url
        self.color = color
        self.timestamp = timestamp
        self.footer = footer
        self.image = image
        self.fields = fields
    }

    public struct Footer: Codable, Sendable, Hashable {
        public var text: String
        public init(text: String) { self.text = text }
    }

    /// `attachment://history.png` shows an uploaded file inside the embed.
    public struct Image: Codable, Sendable, Hashable {
        public var url: String
        public init(url: String) { self.url = url }
    }

    public struct Field: Codable, Sendable, Hashable {
        public var name: String
        public var value: String
        public var inline: Bool?

        public init(name: String, value: String, inline: Bool? = nil) {
            self.name = name
            self.value = value
            self.inline = inline
        }
    }
}

public struct ActionRow: Codable, Sendable, Hashable {
    public var type = 1
    public var components: [Button]

    public init(components: [Button]) {
        self.components = components
    }
}

public struct Button: Codable, Sendable, Hashable {
    public var type = 2
    /// 1 primary, 2 secondary, 3 success, 4 danger, 5 link.
    public var style: Int
    public var label: String
    public var customID: String

    enum CodingKeys: String, CodingKey {
        case type, style, label
        case customID = "custom_id"
    }

    public init(label: String, customID: String, style: Int = 2) {
        self.label = label
        self.customID = customID
        self.style = style
    }
}
