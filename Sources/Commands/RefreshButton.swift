import DiscordModels
import SlurmKit

/// The "Refresh" button under /status and /queue: its `custom_id` carries the command and its options, so a click
/// re-runs it with the same ones and updates the message in place.
///
/// `refresh:queue:partition=gpu,user=ana`: every part is checked again on the way back in (buttons are user input).
public enum RefreshButton {
    static let prefix = "refresh:"
    /// The commands a button may re-run.
    static let commands: Set<String> = ["status", "queue"]

    /// The button's row, or none when the options do not fit Discord's 100 characters: a button that refreshed
    /// something other than what the message shows would be worse than no button.
    static func rows(command: String, options: [(String, String)]) -> [ActionRow] {
        let encoded = options.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let id = prefix + command + ":" + encoded
        guard id.utf16.count <= 100 else { return [] }
        return [ActionRow(components: [Button(label: "Refresh", customID: id)])]
    }

    /// The command and options a button's `custom_id` stands for, or nil when it is not one of ours or not valid.
    public static func parse(_ customID: String) -> (command: String, options: [String: String])? {
        guard customID.hasPrefix(prefix), customID.count <= 100 else { return nil }
        let parts = customID.dropFirst(prefix.count).split(
            separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let command = parts.first.map(String.init), commands.contains(command) else { return nil }
        var options: [String: String] = [:]
        for pair in (parts.count > 1 ? parts[1] : "").split(separator: ",") {
            let keyValue = pair.split(separator: "=", maxSplits: 1)
            guard keyValue.count == 2, ["partition", "cluster", "user"].contains(String(keyValue[0])),
                SlurmName.isValid(String(keyValue[1]))
            else { return nil }
            options[String(keyValue[0])] = String(keyValue[1])
        }
        return (command, options)
    }
}
