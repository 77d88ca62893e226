/// A file to upload with a message.
public struct DiscordFile: Sendable, Hashable {
    public var filename: String
    public var contentType: String
    public var data: [UInt8]
    /// Alt text shown for the attachment.
    public var description: String?

    public init(filename: String, contentType: String = "image/png", data: [UInt8], description: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
        self.description = description
    }
}
