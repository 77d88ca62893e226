import Discord
import Foundation
import HTTPServer
import Synchronization

/// Discord's webhook API played on loopback for `slurmbot demo`: it keeps the edit that finishes each deferred
/// reply (JSON, or multipart carrying the charts) so the demo can show what Discord would have shown.
final class LoopbackDiscord: HTTPResponder {
    struct Edit: Sendable {
        var payload: [UInt8]
        var files: [DiscordFile]
    }

    private let edits = Mutex<[String: Edit]>([:])

    /// `PATCH /api/v10/webhooks/{application}/{token}/messages/@original`; anything else is 404.
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        let path = request.target.split(separator: "/")
        guard request.method == "PATCH", path.count == 7, path[2] == "webhooks", path[5] == "messages",
            path[6] == "@original"
        else { return .text(.notFound, "not found") }
        let contentType = request.headers["Content-Type"] ?? ""
        var edit = Edit(payload: request.body, files: [])
        if contentType.hasPrefix("multipart/form-data") {
            guard let parts = MultipartReader.parts(of: request.body, contentType: contentType),
                let payload = parts.first(where: { $0.name == "payload_json" })
            else { return .text(.badRequest, "malformed multipart body") }
            edit.payload = payload.body
            edit.files = parts.compactMap { part in
                part.filename.map {
                    DiscordFile(
                        filename: $0, contentType: part.contentType ?? "application/octet-stream", data: part.body)
                }
            }
        }
        edits.withLock { $0[String(path[4])] = edit }
        return HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/json"], body: Array(#"{"id":"1"}"#.utf8))
    }

    /// The edit for the interaction with this token, once it has arrived; nil if it does not within `limit`.
    func edit(token: String, within limit: Duration) async -> Edit? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let edit = edits.withLock({ $0[token] }) { return edit }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
