/// The one command a poll runs on the head node: every query in one exec, each in a marked section.
///
/// Markers carry a per-poll random nonce, so no job name or reason can forge a section boundary. Each section
/// ends with its command's exit status. When the nodes query fails the script stops there: the controller is
/// unreachable, and each further query would only wait out Slurm's message timeout again (about 9 s each).
/// The same markers go to stderr, so the parser can quote the failing command's own error message. Environment
/// that changes Slurm's output (`SQUEUE_FORMAT`, `SLURM_TIME_FORMAT`, locale) is pinned. Without slurmdbd, ended
/// jobs come from the job completion log (`sacct -c`, when `JobCompType` keeps one), without step lines. The
/// `jobtres` section is a second squeue (`-O`, which `-o` cannot print): GPUs asked with `--gpus` or
/// `--gpus-per-task` are only in tres-per-job and tres-per-task, never in `%b`.
public enum PollScript {
    /// The sections, in the order the script prints them.
    public enum Section: String, Sendable, CaseIterable {
        case meta, nodes, partitions, jobs, jobtres, accounting

        /// Sections without which a poll is a failure; the others only add detail.
        public var isRequired: Bool { self != .accounting && self != .jobtres }
    }

    /// How far back `sacct` looks for ended jobs.
    public static let accountingWindow = "now-1hour"

    /// The shell text for POSIX `sh`. `nonce` must be letters and digits only.
    public static func script(nonce: String) -> String {
        precondition(nonce.allSatisfy { $0.isLetter || $0.isNumber }, "nonce must be alphanumeric")
        return """
            export LC_ALL=C SLURM_TIME_FORMAT=standard
            unset SQUEUE_FORMAT SQUEUE_FORMAT2 SQUEUE_SORT SINFO_FORMAT SACCT_FORMAT
            m='\(marker(nonce: nonce))'
            section() {
              name=$1; shift
              printf '\\n%s begin %s\\n' "$m" "$name"; printf '\\n%s begin %s\\n' "$m" "$name" >&2
              "$@"; rc=$?
              printf '\\n%s end %s %s\\n' "$m" "$name" "$rc"; printf '\\n%s end %s %s\\n' "$m" "$name" "$rc" >&2
            }
            meta() { echo "now=$(date +%s)"; echo "utc_offset=$(date +%z)"; echo "host=$(hostname)"; echo "version=$(scontrol --version)"; }
            section meta meta
            section nodes scontrol -o -d show node
            if [ "$rc" -ne 0 ]; then printf '\\n%s done\\n' "$m"; exit 0; fi
            section partitions scontrol -o show partition
            section jobs squeue -h -t all -o '\(JobParser.format)'
            section jobtres squeue -h -t all -O '\(JobTRESParser.format)'
            accounting() {
              sacct -a -n -P -S \(accountingWindow) -E now -s CD,F,CA,TO,NF,OOM,PR,BF,DL -o \(AccountingParser.fields) ||
                sacct -a -c -n -P -S \(accountingWindow) -E now -o \(AccountingParser.completionFields)
            }
            section accounting accounting
            printf '\\n%s done\\n' "$m"

            """
    }

    public static func marker(nonce: String) -> String {
        "@@slurmbot:\(nonce)@@"
    }

    /// What one section printed: the text to replay, or a failure status.
    public struct SectionOutput: Sendable {
        public var text: String
        public var status: Int32

        public init(text: String, status: Int32 = 0) {
            self.text = text
            self.status = status
        }
    }

    /// Builds exactly what the script prints, from per-section text; the fixture source and the simulated cluster
    /// use it so their output goes through the same parser as a real head node's.
    public static func assemble(nonce: String, sections: [Section: SectionOutput]) -> String {
        let mark = marker(nonce: nonce)
        var out = ""
        for section in Section.allCases {
            guard let output = sections[section] else { continue }
            out += "\n\(mark) begin \(section.rawValue)\n"
            out += output.text
            out += "\n\(mark) end \(section.rawValue) \(output.status)\n"
        }
        out += "\n\(mark) done\n"
        return out
    }
}
