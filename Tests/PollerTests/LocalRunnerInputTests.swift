import Foundation
import Remote
import Testing

@Suite("the local runner's standard input")
struct LocalRunnerInputTests {
    @Test("bytes reach the command's stdin whole; a command that never reads them neither blocks nor fails")
    func input() async throws {
        let script = Array("#!/bin/sh\necho hello\n".utf8) + [UInt8](repeating: 0x41, count: 60_000)
        let echoed = try await LocalRunner().run("cat", input: script, timeout: .seconds(10))
        #expect(echoed.status == 0 && Array(echoed.stdout.utf8) == script)
        let ignored = try await LocalRunner().run("true", input: script, timeout: .seconds(10))
        #expect(ignored.status == 0 && ignored.stdout.isEmpty)
        let none = try await LocalRunner().run("wc -c", input: [], timeout: .seconds(10))
        #expect(none.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }
}
