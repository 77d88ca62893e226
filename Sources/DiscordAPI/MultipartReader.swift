import Foundation

/// Reads a `multipart/form-data` body back into its parts: what `slurmbot demo` does in Discord's place, to show
/// the charts a deferred reply uploads. Strict: a body that is not framed exactly right gives nil.
public enum MultipartReader {
    public struct Part: Sendable, Hashable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var body: [UInt8]
    }

    public static func parts(of body: [UInt8], contentType: String) -> [Part]? {
        guard let range = contentType.range(of: "boundary=") else { return nil }
        var boundary = String(contentType[range.upperBound...])
        if let end = boundary.firstIndex(of: ";") { boundary = String(boundary[..<end]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard (1...70).contains(boundary.utf8.count) else { return nil }
        let opening = Array("--\(boundary)\r\n".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        guard body.starts(with: opening) else { return nil }
        var parts: [Part] = []
        var index = opening.count
        while true {
            guard let end = body[index...].firstRange(of: delimiter),
                let headerEnd = body[index..<end.lowerBound].firstRange(of: Array("\r\n\r\n".utf8))
            else { return nil }
            var part = Part(
                name: "", filename: nil, contentType: nil, body: Array(body[headerEnd.upperBound..<end.lowerBound]))
            let head = String(decoding: body[index..<headerEnd.lowerBound], as: UTF8.self)
            for line in head.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    part.name = parameter("name", in: line) ?? ""
                    part.filename = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard !part.name.isEmpty else { return nil }
            parts.append(part)
            index = end.upperBound
            if body[index...].starts(with: Array("--".utf8)) { return parts }
            guard body[index...].starts(with: Array("\r\n".utf8)) else { return nil }
            index += 2
        }
    }

    private static func parameter(_ name: String, in line: Substring) -> String? {
        guard let range = line.range(of: "; \(name)=\"") else { return nil }
        let rest = line[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
