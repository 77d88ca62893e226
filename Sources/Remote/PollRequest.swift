import Foundation
import SlurmKit

/// Recognises the poll script, for runners that answer it without a shell (fixtures, the simulated cluster).
public enum PollRequest {
    /// The nonce of a poll script, or nil when `command` is something else.
    public static func nonce(in command: String) -> String? {
        let prefix = "m='@@slurmbot:"
        guard let start = command.range(of: prefix)?.upperBound,
            let end = command[start...].range(of: "@@'")?.lowerBound
        else { return nil }
        let nonce = String(command[start..<end])
        return nonce.isEmpty || !nonce.allSatisfy({ $0.isLetter || $0.isNumber }) ? nil : nonce
    }
}
