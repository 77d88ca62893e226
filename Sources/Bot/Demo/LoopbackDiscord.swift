import DiscordModels
import DiscordAPI
import Foundation
public import HTTPServer
import Synchronization

/// Discord's API played on loopback for `slurmbot demo`: it keeps the edit that finishes each deferred reply (JSON,
/// or multipart carrying the charts), and the messages the poller's alerts post (a DM channel opened first), so the
/// demo can show what Discord would have shown.
public final class LoopbackDiscord: HTTPResponder {
    struct Edit: Sendable {
        var payload: [UInt8]
        var files: [DiscordFile]
    }

    /// A message posted in a channel (`dm-<user id>` for a direct message).
    public struct Message: Sendable {
        public var channel: String
        public var payload: [UInt8]
    }

    private let edits = Mutex<[String: Edit]>([:])
    private let posted = Mutex<[Message]>([])

    public init() {}

    /// The messages posted so far, in order.
    public var messages: [Message] { posted.withLock { $0 } }

    /// `PATCH /api/v10/webhooks/{application}/{token}/messages/@original`, `POST /api/v10/users/@me/channels` and
    /// `POST /api/v10/channels/{id}/messages`; anything else is 404.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let path = request.target.split(separator: "/")
        if request.method == "POST", path.count == 5, path[2] == "users", path[3] == "@me", path[4] == "channels" {
            struct Recipient: Decodable { var recipient_id: String }
            guard let recipient = try? JSONDecoder().decode(Recipient.self, from: Data(request.body)) else {
                return .text(.badRequest, "no recipient_id")
            }
            return Self.json(#"{"id":"dm-\#(recipient.recipient_id)","type":1}"#)
        }
        if request.method == "POST", path.count == 5, path[2] == "channels", path[4] == "messages" {
            posted.withLock { $0.append(Message(channel: String(path[3]), payload: request.body)) }
            return Self.json(#"{"id":"2"}"#)
        }
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
        return Self.json(#"{"id":"1"}"#)
    }

    static func json(_ text: String) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
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
