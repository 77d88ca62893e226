import Demo
import DiscordModels
import Foundation

/// Writes one demo answer: `NN-command.json` (pretty) and its chart as `NN-command.png` (`NN-command-name` when
/// there are several files).
enum DemoOutput {
    /// The names of the files written besides the JSON, with their sizes.
    static func write(_ answer: DemoAnswer, number: Int, to folder: String) throws -> [String] {
        let slug = answer.command.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            .split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        let stem = (folder as NSString).appendingPathComponent(String(format: "%02d-", number) + slug)
        let json = (try? JSONSerialization.jsonObject(with: Data(answer.messageJSON))).flatMap {
            try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys])
        }
        try (json ?? Data(answer.messageJSON)).write(to: URL(fileURLWithPath: stem + ".json"))
        return try answer.files.map { file in
            let path =
                answer.files.count == 1
                ? stem + "." + (file.filename as NSString).pathExtension : stem + "-" + file.filename
            try Data(file.data).write(to: URL(fileURLWithPath: path))
            return "\((path as NSString).lastPathComponent) (\(file.data.count / 1024) KB)"
        }
    }
}
