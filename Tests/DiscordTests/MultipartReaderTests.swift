import Testing

@testable import DiscordModels
@testable import DiscordAPI

@Suite("multipart bodies read back into their parts")
struct MultipartReaderTests {
    @Test("what the client uploads reads back: payload_json first, then each file with its name, type and bytes")
    func roundTrip() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("\r\n--fake\r\n".utf8)
        let files = [
            DiscordFile(filename: "history.png", data: png),
            DiscordFile(filename: "b.txt", contentType: "text/plain", data: []),
        ]
        let (body, contentType) = Multipart.encode(
            payloadJSON: Array(#"{"content":"hi"}"#.utf8), files: files, boundary: Multipart.boundary())
        let parts = try #require(MultipartReader.parts(of: body, contentType: contentType))
        #expect(parts.map(\.name) == ["payload_json", "files[0]", "files[1]"])
        #expect(parts[0].body == Array(#"{"content":"hi"}"#.utf8) && parts[0].contentType == "application/json")
        #expect(parts[1].filename == "history.png" && parts[1].contentType == "image/png" && parts[1].body == png)
        #expect(parts[2].filename == "b.txt" && parts[2].body.isEmpty)
    }

    @Test("bodies not framed exactly right give nil, never a partial list")
    func malformed() {
        let good = Array("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--\r\n".utf8)
        #expect(MultipartReader.parts(of: good, contentType: "multipart/form-data; boundary=b")?.count == 1)
        #expect(MultipartReader.parts(of: good, contentType: "multipart/form-data; boundary=\"b\"")?.count == 1)
        for (body, contentType) in [
            (good, "multipart/form-data"),
            (good, "multipart/form-data; boundary=c"),
            (Array(good.dropLast(8)), "multipart/form-data; boundary=b"),
            (Array("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--".utf8), "multipart/form-data; boundary=b"),
            (Array("--b\r\nno header end\r\n--b--".utf8), "multipart/form-data; boundary=b"),
            ([], "multipart/form-data; boundary=b"),
        ] {
            #expect(
                MultipartReader.parts(of: body, contentType: contentType) == nil,
                "\(String(decoding: body, as: UTF8.self))")
        }
    }
}
