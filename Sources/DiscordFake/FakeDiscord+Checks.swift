import Foundation

/// The checks Discord applies, written from its documentation independently of slurmbot's own code.
extension FakeDiscord {
    /// `multipart/form-data` framing: boundary, parts, `payload_json`, `files[n]` with names and types, and every
    /// file listed in the payload's `attachments` by its index.
    static func checkMultipart(_ body: [UInt8], contentType: String, into recorded: inout Recorded) -> [String] {
        guard let boundaryRange = contentType.range(of: "boundary=") else { return ["no boundary in \(contentType)"] }
        let boundary = contentType[boundaryRange.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard !boundary.isEmpty, boundary.count <= 70 else { return ["a bad boundary"] }
        let opening = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        guard body.starts(with: opening + Array("\r\n".utf8)) else {
            return ["the body does not open with the boundary"]
        }
        var parts: [Part] = []
        var index = opening.count + 2
        while true {
            guard let end = body[index...].firstRange(of: delimiter) else {
                return ["a part is not closed by the boundary"]
            }
            let content = body[index..<end.lowerBound]
            guard let headerEnd = content.firstRange(of: Array("\r\n\r\n".utf8)) else {
                return ["a part has no header end"]
            }
            var part = Part(name: "", filename: nil, contentType: nil, body: Array(content[headerEnd.upperBound...]))
            for line in String(decoding: content[..<headerEnd.lowerBound], as: UTF8.self).components(
                separatedBy: "\r\n")
            {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition: form-data;") {
                    part.name = Self.parameter("name", in: line) ?? ""
                    part.filename = Self.parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                } else {
                    return ["an unexpected part header: \(line)"]
                }
            }
            guard !part.name.isEmpty else { return ["a part without a name"] }
            parts.append(part)
            index = end.upperBound
            if body[index...].starts(with: Array("--".utf8)) {
                let rest = body[(index + 2)...]
                guard rest.isEmpty || Array(rest) == Array("\r\n".utf8) else {
                    return ["bytes after the closing boundary"]
                }
                break
            }
            guard body[index...].starts(with: Array("\r\n".utf8)) else { return ["a boundary not followed by CRLF"] }
            index += 2
        }
        recorded.parts = parts
        var problems: [String] = []
        let payloads = parts.filter { $0.name == "payload_json" }
        guard payloads.count == 1, let payload = payloads.first else { return ["not exactly one payload_json part"] }
        if payload.contentType != "application/json" { problems.append("payload_json is not application/json") }
        recorded.payload = payload.body
        let json = (try? JSONSerialization.jsonObject(with: Data(payload.body))) as? [String: Any]
        if json == nil { problems.append("payload_json is not a JSON object") }
        let files = parts.filter { $0.name != "payload_json" }
        let attachments = (json?["attachments"] as? [[String: Any]]) ?? []
        for (number, file) in files.enumerated() {
            if file.name != "files[\(number)]" { problems.append("part \(file.name) is not files[\(number)]") }
            guard let filename = file.filename, !filename.isEmpty else {
                problems.append("\(file.name) has no filename")
                continue
            }
            if file.contentType == nil { problems.append("\(file.name) has no Content-Type") }
            if file.contentType == "image/png"
                && !file.body.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            {
                problems.append("\(file.name) says image/png but is not a PNG")
            }
            if !attachments.contains(where: { ($0["id"] as? Int) == number && ($0["filename"] as? String) == filename })
            {
                problems.append("payload_json.attachments does not list \(file.name) (\(filename))")
            }
            if file.body.count > 10 * 1024 * 1024 { problems.append("\(file.name) is over the 10 MiB upload limit") }
        }
        if files.count > 10 { problems.append("more than 10 attachments") }
        return problems
    }

    private static func parameter(_ name: String, in line: String) -> String? {
        guard let range = line.range(of: "; \(name)=\"") else { return nil }
        let rest = line[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// An application command list as `PUT …/commands` accepts it.
    static func checkCommands(_ body: [UInt8]) -> [String] {
        guard let commands = (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] else {
            return ["the body is not a JSON array of commands"]
        }
        var problems: [String] = []
        if commands.count > 100 { problems.append("more than 100 commands") }
        let namePattern = try! Regex(#"^[-_'\p{L}\p{N}]{1,32}$"#)
        func checkName(_ name: String?, _ what: String) {
            guard let name, name.wholeMatch(of: namePattern) != nil, name == name.lowercased() else {
                problems.append("\(what): bad name \(name ?? "nil")")
                return
            }
        }
        for command in commands {
            let name = command["name"] as? String
            checkName(name, "command")
            let description = command["description"] as? String ?? ""
            if !(1...100).contains(description.count) { problems.append("/\(name ?? "?"): description length") }
            var characters = (name?.count ?? 0) + description.count
            let options = command["options"] as? [[String: Any]] ?? []
            if options.count > 25 { problems.append("/\(name ?? "?"): more than 25 options") }
            var seenOptional = false
            for option in options {
                let optionName = option["name"] as? String
                checkName(optionName, "/\(name ?? "?") option")
                let optionDescription = option["description"] as? String ?? ""
                if !(1...100).contains(optionDescription.count) {
                    problems.append("/\(name ?? "?") \(optionName ?? "?"): description length")
                }
                characters += (optionName?.count ?? 0) + optionDescription.count
                guard let type = option["type"] as? Int, [3, 4, 5, 6, 7, 8, 9, 10, 11].contains(type) else {
                    problems.append("/\(name ?? "?") \(optionName ?? "?"): bad option type")
                    continue
                }
                let required = option["required"] as? Bool ?? false
                if required && seenOptional {
                    problems.append("/\(name ?? "?"): a required option after an optional one")
                }
                if !required { seenOptional = true }
                let choices = option["choices"] as? [[String: Any]]
                if option["autocomplete"] as? Bool == true && choices != nil {
                    problems.append("/\(name ?? "?") \(optionName ?? "?"): autocomplete with choices")
                }
                if let choices {
                    if choices.count > 25 {
                        problems.append("/\(name ?? "?") \(optionName ?? "?"): more than 25 choices")
                    }
                    for choice in choices {
                        let choiceName = choice["name"] as? String ?? ""
                        characters += choiceName.count
                        if !(1...100).contains(choiceName.count) { problems.append("a choice name length") }
                    }
                }
                if (option["min_value"] != nil || option["max_value"] != nil) && ![4, 10].contains(type) {
                    problems.append("/\(name ?? "?") \(optionName ?? "?"): min/max on a non-number")
                }
            }
            if characters > 4000 { problems.append("/\(name ?? "?"): over 4000 characters in all") }
        }
        return problems
    }
}
