import MCP

/// A tool's arguments once each has passed its check: unknown names, missing required ones and values of the wrong
/// shape are refused before anything is read.
struct ToolInput: Sendable {
    private var checked: [String: ToolArgument]
    /// The arguments as sent, for the ones that passed: what the slash command behind the tool's words is given.
    private(set) var raw: [String: Value]

    init(_ arguments: [String: Value]?, for tool: MCPTool) throws(ToolFailure) {
        checked = [:]
        raw = [:]
        for (name, value) in arguments ?? [:] {
            guard let parameter = tool.parameters.first(where: { $0.name == name }) else {
                let known = tool.parameters.map(\.name)
                throw ToolFailure(
                    message: "\(tool.name) takes no argument \(String(name.prefix(64)))"
                        + (known.isEmpty ? "." : "; it takes " + known.joined(separator: ", ") + "."))
            }
            if value.isNull { continue }
            switch parameter.check(value) {
            case .success(let argument):
                checked[name] = argument
                raw[name] = value
            case .failure(let refusal):
                throw ToolFailure(message: refusal.message)
            }
        }
        for name in tool.required.sorted() where checked[name] == nil {
            throw ToolFailure(message: "\(tool.name) needs \(name).")
        }
    }

    func text(_ name: String) -> String? {
        if case .text(let text) = checked[name] { return text }
        return nil
    }

    func integer(_ name: String) -> Int? {
        if case .integer(let number) = checked[name] { return number }
        return nil
    }
}
