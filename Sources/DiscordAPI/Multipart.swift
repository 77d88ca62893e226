import DiscordModels

/// `multipart/form-data` as Discord wants it for uploads: a `payload_json` part, then `files[n]` parts.
enum Multipart {
    /// The body and its `Content-Type` value (with the boundary).
    static func encode(payloadJSON: [UInt8], files: [DiscordFile], boundary: String) -> (
        body: [UInt8], contentType: String
    ) {
        var body: [UInt8] = []
        func append(_ text: String) { body += Array(text.utf8) }
        append(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n"
        )
        body += payloadJSON
        for (index, file) in files.enumerated() {
            append("\r\n--\(boundary)\r\n")
            append(
                "Content-Disposition: form-data; name=\"files[\(index)]\"; filename=\"\(safeFilename(file.filename))\"\r\n"
            )
            append("Content-Type: \(file.contentType)\r\n\r\n")
            body += file.data
        }
        append("\r\n--\(boundary)--\r\n")
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// Letters, digits, dot, dash and underscore: no quote or line break can break out of the header.
    static func safeFilename(_ name: String) -> String {
        let kept = name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || ".-_".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        return kept.isEmpty ? "file" : String(kept)
    }

    /// A boundary that cannot occur in the parts by chance.
    static func boundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return "slurmbot-" + Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
