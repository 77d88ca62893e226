/// One line of `slurmbot doctor`: what was checked, what was found, and how to fix it when it failed.
struct DoctorLine: Sendable, Equatable {
    enum Outcome: Sendable, Equatable {
        case passed, failed
        /// Not configured, or not reached because an earlier step failed: neither passes nor fails.
        case skipped
    }

    var outcome: Outcome
    var check: String
    var detail: String
    var fix: String?

    static func passed(_ check: String, _ detail: String) -> DoctorLine {
        DoctorLine(outcome: .passed, check: check, detail: detail)
    }

    static func failed(_ check: String, _ detail: String, fix: String) -> DoctorLine {
        DoctorLine(outcome: .failed, check: check, detail: detail, fix: fix)
    }

    static func skipped(_ check: String, _ detail: String) -> DoctorLine {
        DoctorLine(outcome: .skipped, check: check, detail: detail)
    }

    /// `✓ check: detail`, `✗ check: detail` and its fix on the next line, `· check: detail`.
    var text: String {
        let mark =
            switch outcome {
            case .passed: "✓"
            case .failed: "✗"
            case .skipped: "·"
            }
        return "\(mark) \(check): \(detail)" + (fix.map { "\n    fix: \($0)" } ?? "")
    }
}
