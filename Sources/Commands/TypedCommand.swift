public import DiscordModels
import Foundation

/// A slash command as a person types it in Discord, `/canrun cpus:16 time:"4:00:00"`, checked against the catalog
/// the way Discord's client checks it (known options, required ones, whole numbers, ranges, choices, lengths) and
/// turned into the interaction Discord would post. `slurmbot render` and `slurmbot demo` go through it, so they run
/// exactly what a user's command runs.
public struct TypedCommand: Sendable {
    public var name: String
    /// In the order typed, each as the kind its definition declares.
    public var options: [(name: String, value: OptionValue)]

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String, catalog: [CommandDefinition] = CommandCatalog.all) throws(Problem) {
        var words = try Self.words(text)
        guard !words.isEmpty else { throw Problem(description: "type a command, such as \"/status\"") }
        let first = words.removeFirst()
        let name = first.hasPrefix("/") ? String(first.dropFirst()) : first
        guard let definition = catalog.first(where: { $0.name == name }) else {
            let known = catalog.map { "/\($0.name)" }.joined(separator: ", ")
            throw Problem(description: "no command /\(name); the commands are \(known)")
        }
        var options: [(name: String, value: OptionValue)] = []
        for word in words {
            guard let colon = word.firstIndex(of: ":"), colon != word.startIndex else {
                throw Problem(description: "write options as name:value; \"\(word)\" is not one")
            }
            let optionName = String(word[..<colon])
            let raw = String(word[word.index(after: colon)...])
            guard let option = definition.options.first(where: { $0.name == optionName }) else {
                let takes = definition.options.map(\.name).joined(separator: ", ")
                throw Problem(
                    description: "/\(name) has no option \(optionName)"
                        + (takes.isEmpty ? "; it takes none" : "; it takes \(takes)"))
            }
            guard !options.contains(where: { $0.name == optionName }) else {
                throw Problem(description: "\(optionName) is given twice")
            }
            options.append((optionName, try Self.value(raw, for: option)))
        }
        for option in definition.options where option.required == true {
            guard options.contains(where: { $0.name == option.name }) else {
                throw Problem(description: "/\(name) needs \(option.name):…")
            }
        }
        self.name = name
        self.options = options
    }

    /// The body Discord would POST for this command, from `user` in `guild`.
    public func interactionJSON(id: String, token: String, applicationID: String, guild: String, user: String)
        -> [UInt8]
    {
        let options: [[String: Any]] = self.options.map { option in
            switch option.value {
            case .integer(let value): ["name": option.name, "type": 4, "value": value]
            case .number(let value): ["name": option.name, "type": 10, "value": value]
            case .boolean(let value): ["name": option.name, "type": 5, "value": value]
            case .string(let value): ["name": option.name, "type": 3, "value": value]
            }
        }
        let body: [String: Any] = [
            "id": id, "application_id": applicationID, "type": 2, "token": token, "version": 1, "guild_id": guild,
            "member": ["user": ["id": user, "username": "demo"]],
            "data": ["id": "0", "name": name, "type": 1, "options": options],
        ]
        return Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
    }

    /// How it reads back: `/canrun cpus:16 time:"4:00:00"`.
    public var text: String {
        (["/" + name]
            + options.map { option in
                let value = option.value.string ?? ""
                return "\(option.name):" + (value.contains(" ") || value.contains(":") ? "\"\(value)\"" : value)
            }).joined(separator: " ")
    }

    static func value(_ raw: String, for option: OptionDefinition) throws(Problem) -> OptionValue {
        switch option.type {
        case .integer, .number:
            let number: OptionValue
            if option.type == .integer, let value = Int64(raw) {
                number = .integer(value)
            } else if option.type == .number, let value = Double(raw), value.isFinite {
                number = .number(value)
            } else {
                throw Problem(description: "\(option.name) takes a \(option.type == .integer ? "whole " : "")number")
            }
            let value = number.integer.map(Double.init) ?? Double(raw) ?? 0
            if let low = option.minValue, value < low {
                throw Problem(description: "\(option.name) is at least \(Self.plain(low))")
            }
            if let high = option.maxValue, value > high {
                throw Problem(description: "\(option.name) is at most \(Self.plain(high))")
            }
            return number
        case .boolean:
            guard let value = Bool(raw) else { throw Problem(description: "\(option.name) is true or false") }
            return .boolean(value)
        default:
            if let choices = option.choices, !choices.contains(where: { $0.value == raw }) {
                let allowed = choices.map(\.value).joined(separator: ", ")
                throw Problem(description: "\(option.name) is one of \(allowed)")
            }
            if let limit = option.maxLength, raw.count > limit {
                throw Problem(description: "\(option.name) is at most \(limit) characters")
            }
            guard !raw.isEmpty else { throw Problem(description: "\(option.name) is empty") }
            return .string(raw)
        }
    }

    static func plain(_ value: Double) -> String {
        value.rounded() == value ? String(Int64(value)) : String(value)
    }

    /// Splits on spaces; a double-quoted stretch (`time:"4:00:00"`, `question:"how busy"`) stays one word.
    static func words(_ text: String) throws(Problem) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var started = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
                started = true
            } else if character.isWhitespace && !quoted {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        guard !quoted else { throw Problem(description: "a quote is not closed") }
        if started { words.append(current) }
        return words
    }
}
