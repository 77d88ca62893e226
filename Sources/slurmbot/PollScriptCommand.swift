import ArgumentParser
import SlurmKit

struct PollScriptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll-script",
        abstract: "Print the exact shell command a poll runs on the head node.",
        discussion: """
            For admins who want to read what slurmbot will execute before granting it an account, and for
            capturing real output as a fixture: slurmbot poll-script --nonce capture0 | sh > poll.txt
            """
    )

    @Option(help: "The section-marker nonce (letters and digits). Each real poll uses a random one.")
    var nonce = "example0"

    func validate() throws {
        guard !nonce.isEmpty, nonce.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw ValidationError("--nonce takes letters and digits only")
        }
    }

    func run() {
        print(PollScript.script(nonce: nonce), terminator: "")
    }
}
