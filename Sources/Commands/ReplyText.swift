public import DiscordModels

/// A message as plain text for a terminal: what `slurmbot render` prints, close to what Discord shows.
public enum ReplyText {
    public static func render(_ message: MessagePayload, ephemeral: Bool = false) -> String {
        var lines: [String] = []
        if ephemeral { lines.append("(only the person who asked sees this)") }
        if let content = message.content { lines.append(content) }
        for embed in message.embeds ?? [] {
            if let title = embed.title { lines.append("■ " + title) }
            if let description = embed.description { lines.append(description) }
            for field in embed.fields ?? [] {
                lines.append("")
                lines.append("▸ " + field.name)
                lines.append(field.value)
            }
            if let image = embed.image { lines.append("[image: \(image.url)]") }
            if let footer = embed.footer { lines.append("— " + footer.text) }
        }
        let buttons = (message.components ?? []).flatMap(\.components).map { "[\($0.label)]" }
        if !buttons.isEmpty { lines.append(buttons.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }
}
