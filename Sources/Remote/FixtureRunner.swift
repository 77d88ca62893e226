import Foundation
import SlurmKit

/// Answers the poll script from files in a directory, one per section.
///
/// `meta.txt`, `nodes.txt`, `partitions.txt`, `jobs.txt` and `accounting.txt` hold what each command printed;
/// `SECTION.status` holds a non-zero exit status and `stderr.txt` what went to stderr. A missing file is a missing
/// section. This replays captures from real clusters through the real parser.
public struct FixtureRunner: CommandRunner {
    public let directory: String
    public var sourceDescription: String { "fixture:\(directory)" }

    public init(directory: String) {
        self.directory = directory
    }

    public func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandOutput {
        guard let nonce = PollRequest.nonce(in: command) else {
            return CommandOutput(
                stdout: "", stderr: "sh: only the poll command can be replayed from fixtures", status: 127)
        }
        let directory = self.directory
        return try await offPool { () throws(RemoteError) in try FixtureRunner.replay(directory, nonce: nonce) }
    }

    private static func replay(_ directory: String, nonce: String) throws(RemoteError) -> CommandOutput {
        func read(_ name: String) -> String? {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unavailable("fixture directory \(directory) does not exist")
        }
        var sections: [PollScript.Section: PollScript.SectionOutput] = [:]
        for section in PollScript.Section.allCases {
            guard let text = read("\(section.rawValue).txt") else { continue }
            let status = read("\(section.rawValue).status").flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            sections[section] = PollScript.SectionOutput(text: text, status: status ?? 0)
        }
        return CommandOutput(
            stdout: PollScript.assemble(nonce: nonce, sections: sections), stderr: read("stderr.txt") ?? "")
    }
}
