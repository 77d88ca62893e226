/// Turns what the poll script printed into a `ClusterSnapshot`, or says precisely why it cannot.
public enum SnapshotParser {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The output stopped before the script's final marker: a dropped connection or a killed command.
        case truncated(lastSection: String?)
        case missingSection(String)
        case sectionFailed(section: String, status: Int32, stderr: String)
        case unreadable(section: String, detail: String)

        public var description: String {
            switch self {
            case .truncated(let last):
                "output ended early" + (last.map { " inside the \($0) section" } ?? "") + " (connection dropped?)"
            case .missingSection(let name):
                "the \(name) section is missing from the output"
            case .sectionFailed(let section, let status, let stderr):
                "the \(section) command failed with status \(status)" + (stderr.isEmpty ? "" : ": \(stderr)")
            case .unreadable(let section, let detail):
                "the \(section) section could not be read: \(detail)"
            }
        }
    }

    /// Parses the combined output.
    /// - Parameters:
    ///   - stdout: everything the script printed on standard output.
    ///   - stderr: its standard error, quoted (shortened) when a section fails.
    ///   - nonce: the nonce the script was built with; lines with other markers are plain content.
    ///   - fallbackTime: the poller's own clock, used only if the head did not report its time.
    /// - Throws: `SnapshotParser.Failure` when a required section is missing, failed, truncated or unreadable.
    public static func parse(stdout: String, stderr: String, nonce: String, fallbackTime: Int64) throws(Failure)
        -> ClusterSnapshot
    {
        let mark = PollScript.marker(nonce: nonce)
        let (sections, sawDone, open) = split(Substring(stdout), mark: mark)
        if let open { throw .truncated(lastSection: open) }
        if !sawDone { throw .truncated(lastSection: nil) }
        let errors = split(Substring(stderr), mark: mark).sections

        func required(_ section: PollScript.Section) throws(Failure) -> Substring {
            guard let found = sections[section.rawValue] else { throw .missingSection(section.rawValue) }
            guard found.status == 0 else {
                // The section's own stderr when the script marked it, all of stderr otherwise.
                let own = errors[section.rawValue].map { String($0.text) } ?? stderr
                throw .sectionFailed(section: section.rawValue, status: found.status, stderr: shorten(own))
            }
            return found.text
        }

        let meta = try parseMeta(required(.meta))
        let clock = meta["utc_offset"].flatMap(SlurmClock.init(offsetText:)) ?? SlurmClock(utcOffset: 0)
        let takenAt = meta["now"].flatMap { Int64($0) } ?? fallbackTime
        var notes: [String] = []
        if meta["utc_offset"] == nil { notes.append("head node did not report its time zone; assuming UTC") }

        let nodeText = try required(.nodes)
        let partitionText = try required(.partitions)
        let jobText = try required(.jobs)
        // Nodes and jobs are the two big sections and independent: parse them on two threads (the caller's and
        // a GCD worker, for about 0.1 s at 10,000 nodes; only the poller parses). Each gets its own copy of its
        // text: slices of one shared string would make both threads retain and release the same object for every
        // line.
        var tresText: Substring?
        if let found = sections[PollScript.Section.jobtres.rawValue] {
            if found.status == 0 {
                tresText = found.text
            } else {
                let said = errors[PollScript.Section.jobtres.rawValue].map { shorten(String($0.text)) } ?? ""
                notes.append(
                    "GPUs asked per job or per task unavailable (squeue -O status \(found.status))"
                        + (said.isEmpty ? "" : ": \(said)"))
            }
        }
        let tres = tresText.map(String.init)
        let (nodes, jobResult) = inParallel(
            { NodeParser.parse(String(nodeText), clock: clock) },
            {
                var result = JobParser.parse(String(jobText), clock: clock)
                if let tres { JobTRESParser.attach(JobTRESParser.parse(Substring(tres)), to: &result.jobs) }
                return result
            })
        if nodes.isEmpty {
            throw .unreadable(section: "nodes", detail: "no NodeName= records in \(lineCount(nodeText)) lines")
        }
        let partitions = PartitionParser.parse(partitionText)
        if partitions.isEmpty {
            throw .unreadable(section: "partitions", detail: "no PartitionName= records")
        }
        for partition in partitions {
            if let error = partition.nodeListError { notes.append("partition \(partition.name): \(error)") }
        }
        if jobResult.malformedLines > 0 {
            notes.append("\(jobResult.malformedLines) squeue lines could not be read and were skipped")
        }

        var accounting: [AccountingRecord]?
        if let found = sections[PollScript.Section.accounting.rawValue] {
            if found.status == 0 {
                accounting = AccountingParser.parse(found.text, clock: clock)
            } else {
                let said = errors[PollScript.Section.accounting.rawValue].map { shorten(String($0.text)) } ?? ""
                notes.append(
                    "accounting unavailable (sacct status \(found.status))" + (said.isEmpty ? "" : ": \(said)"))
            }
        } else {
            notes.append("accounting section missing")
        }

        return ClusterSnapshot(
            takenAt: takenAt, clock: clock, host: meta["host"], slurmVersion: meta["version"], nodes: nodes,
            partitions: partitions, jobs: jobResult.jobs, accounting: accounting, notes: notes
        )
    }

    /// Cuts marked output into sections; also says whether the final marker came and which section was left open.
    private static func split(_ text: Substring, mark: String)
        -> (sections: [String: (text: Substring, status: Int32)], sawDone: Bool, open: String?)
    {
        var sections: [String: (text: Substring, status: Int32)] = [:]
        var current: (name: String, start: String.Index)?
        var sawDone = false
        for line in lines(text) where line.utf8.first == UInt8(ascii: "@") && line.hasPrefix(mark) {
            let words = line.dropFirst(mark.count).split(separator: " ")
            if words.first?.bytesEqual("begin") == true, words.count == 2 {
                current = (String(words[1]), line.endIndex)
            } else if words.first?.bytesEqual("end") == true, words.count == 3, let open = current,
                open.name == words[1]
            {
                sections[open.name] = (text[open.start..<line.startIndex], Int32(words[2]) ?? -1)
                current = nil
            } else if words.first == "done", current == nil {
                sawDone = true
            }
        }
        return (sections, sawDone, current?.name)
    }

    private static func parseMeta(_ text: Substring) -> [String: String] {
        var values: [String: String] = [:]
        for line in lines(text) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let value = line[line.index(after: equals)...].trimmingSpaces()
            if !value.isEmpty { values[String(line[..<equals])] = value }
        }
        return values
    }

    private static func lineCount(_ text: Substring) -> Int {
        lines(text).count
    }

    /// The first lines of stderr, for an error message a person reads; never the whole stream.
    static func shorten(_ text: String) -> String {
        let kept = lines(Substring(text)).map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        let joined = kept.prefix(3).joined(separator: " / ")
        return joined.count > 300 ? String(joined.prefix(300)) + "…" : joined
    }
}
