/// What the interactions endpoint answers, or what an edit of the original reply sends.
public struct InteractionResponse: Encodable, Sendable {
    public var type: CallbackType
    public var data: CallbackData?

    public init(type: CallbackType, data: CallbackData? = nil) {
        self.type = type
        self.data = data
    }

    public static let pong = InteractionResponse(type: .pong)

    /// "Thinking…": the reply comes later, by editing the original message. Ephemeral when only the user should see it.
    public static func deferred(ephemeral: Bool) -> InteractionResponse {
        InteractionResponse(
            type: .deferredChannelMessage,
            data: .message(MessagePayload(flags: ephemeral ? MessagePayload.ephemeral : nil)))
    }

    public static func message(_ payload: MessagePayload) -> InteractionResponse {
        InteractionResponse(type: .channelMessage, data: .message(payload))
    }

    public static func update(_ payload: MessagePayload) -> InteractionResponse {
        InteractionResponse(type: .updateMessage, data: .message(payload))
    }

    public static func choices(_ choices: [Choice]) -> InteractionResponse {
        InteractionResponse(type: .autocompleteResult, data: .choices(choices))
    }

    public enum CallbackType: Int, Encodable, Sendable {
        case pong = 1
        case channelMessage = 4
        case deferredChannelMessage = 5
        case deferredUpdateMessage = 6
        case updateMessage = 7
        case autocompleteResult = 8
    }

    public enum CallbackData: Encodable, Sendable {
        case message(MessagePayload)
        case choices([Choice])

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .message(let payload): try payload.encode(to: encoder)
            case .choices(let choices):
                var container = encoder.container(keyedBy: ChoicesKey.self)
                try container.encode(choices, forKey: .choices)
            }
        }

        private enum ChoicesKey: String, CodingKey {
            case choices
        }
    }
}

/// An autocomplete suggestion: at most 25 per answer, names 1–100 characters.
public struct Choice: Codable, Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
