/// A slash command as registered with Discord (`PUT /applications/{id}/commands`).
public struct CommandDefinition: Codable, Sendable, Hashable {
    public var name: String
    public var description: String
    public var type = 1
    public var options: [OptionDefinition]

    public init(name: String, description: String, options: [OptionDefinition] = []) {
        self.name = name
        self.description = description
        self.options = options
    }

    /// What Discord would refuse: names, description lengths, option counts and order.
    public var problems: [String] {
        var problems: [String] = []
        if !Self.isValidName(name) {
            problems.append("/\(name): the name must be 1-32 lowercase letters, digits, - or _")
        }
        if !(1...100).contains(description.count) {
            problems.append("/\(name): the description must be 1-100 characters")
        }
        if options.count > 25 { problems.append("/\(name): more than 25 options") }
        if let firstOptional = options.firstIndex(where: { !($0.required ?? false) }),
            options[firstOptional...].contains(where: { $0.required ?? false })
        {
            problems.append("/\(name): required options must come before optional ones")
        }
        if Set(options.map(\.name)).count != options.count { problems.append("/\(name): two options share a name") }
        for option in options {
            if !Self.isValidName(option.name) { problems.append("/\(name) \(option.name): invalid option name") }
            if !(1...100).contains(option.description.count) {
                problems.append("/\(name) \(option.name): the description must be 1-100 characters")
            }
            if option.autocomplete == true && option.choices != nil {
                problems.append("/\(name) \(option.name): autocomplete excludes choices")
            }
            if (option.choices?.count ?? 0) > 25 { problems.append("/\(name) \(option.name): more than 25 choices") }
        }
        return problems
    }

    static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                ($0.properties.isAlphabetic && $0.properties.isLowercase) || $0.properties.numericType != nil
                    || "-_'".unicodeScalars.contains($0)
            }
    }
}

public struct OptionDefinition: Codable, Sendable, Hashable {
    public enum Kind: Int, Codable, Sendable {
        case string = 3, integer = 4, boolean = 5, user = 6, channel = 7, role = 8, number = 10
    }

    public var type: Kind
    public var name: String
    public var description: String
    public var required: Bool?
    public var autocomplete: Bool?
    public var choices: [Choice]?
    public var minValue: Double?
    public var maxValue: Double?
    public var maxLength: Int?

    enum CodingKeys: String, CodingKey {
        case type, name, description, required, autocomplete, choices
        case minValue = "min_value"
        case maxValue = "max_value"
        case maxLength = "max_length"
    }

    public init(
        _ type: Kind, _ name: String, _ description: String, required: Bool = false, autocomplete: Bool = false,
        choices: [Choice]? = nil, min: Double? = nil, max: Double? = nil, maxLength: Int? = nil
    ) {
        self.type = type
        self.name = name
        self.description = description
        self.required = required ? true : nil
        self.autocomplete = autocomplete ? true : nil
        self.choices = choices
        self.minValue = min
        self.maxValue = max
        self.maxLength = maxLength
    }
}
