/// Discord's limits on what a reply may hold, checked in one place (every command's replies go through it in the
/// tests, at 10,000 nodes). Lengths are counted in UTF-16 units, which is never fewer than Discord counts.
public enum MessageLimits {
    public static func violations(
        _ message: MessagePayload, files: [DiscordFile] = [], uploadLimit: Int = 10 * 1024 * 1024
    )
        -> [String]
    {
        var problems: [String] = []
        func check(_ text: String?, _ what: String, _ limit: Int, required: Bool = false) {
            guard let text else {
                if required { problems.append("\(what) is missing") }
                return
            }
            let length = text.utf16.count
            if length > limit { problems.append("\(what) has \(length) characters (limit \(limit))") }
            if required && length == 0 { problems.append("\(what) is empty") }
        }
        check(message.content, "content", 2000)
        let embeds = message.embeds ?? []
        if embeds.count > 10 { problems.append("\(embeds.count) embeds (limit 10)") }
        var total = 0
        for (index, embed) in embeds.enumerated() {
            check(embed.title, "embed \(index) title", 256)
            check(embed.description, "embed \(index) description", 4096)
            check(embed.footer?.text, "embed \(index) footer", 2048)
            let fields = embed.fields ?? []
            if fields.count > 25 { problems.append("embed \(index) has \(fields.count) fields (limit 25)") }
            for (number, field) in fields.enumerated() {
                check(field.name, "embed \(index) field \(number) name", 256, required: true)
                check(field.value, "embed \(index) field \(number) value", 1024, required: true)
                total += field.name.utf16.count + field.value.utf16.count
            }
            total +=
                (embed.title?.utf16.count ?? 0) + (embed.description?.utf16.count ?? 0)
                + (embed.footer?.text.utf16.count ?? 0)
        }
        if total > 6000 { problems.append("the embeds hold \(total) characters in all (limit 6000)") }
        let rows = message.components ?? []
        if rows.count > 5 { problems.append("\(rows.count) action rows (limit 5)") }
        for (index, row) in rows.enumerated() {
            if row.components.count > 5 {
                problems.append("row \(index) has \(row.components.count) buttons (limit 5)")
            }
            for button in row.components {
                if !(1...100).contains(button.customID.utf16.count) {
                    problems.append("a custom_id of \(button.customID.utf16.count) characters")
                }
                check(button.label, "a button label", 80)
            }
        }
        if files.count > 10 { problems.append("\(files.count) attachments (limit 10)") }
        for file in files where file.data.count > uploadLimit {
            problems.append("\(file.filename) is \(file.data.count) bytes (limit \(uploadLimit))")
        }
        return problems
    }

    /// Autocomplete answers: at most 25 choices, names 1–100 characters, values up to 100.
    public static func violations(choices: [Choice]) -> [String] {
        var problems: [String] = []
        if choices.count > 25 { problems.append("\(choices.count) choices (limit 25)") }
        for choice in choices {
            if !(1...100).contains(choice.name.utf16.count) {
                problems.append("a choice name of \(choice.name.utf16.count) characters")
            }
            if choice.value.utf16.count > 100 {
                problems.append("a choice value of \(choice.value.utf16.count) characters")
            }
        }
        return problems
    }
}
