import FixtureSupport
import Foundation

/// The lab fixture copied to a temporary folder, changed step by step as a cluster changes between polls: jobs end,
/// vanish, appear; accounting learns of them. Each step moves the head node's clock on by a minute.
final class ScriptedCluster {
    let directory: TemporaryDirectory
    private(set) var now: Int64 = 1_795_549_310
    /// `jobs.txt` lines by job id (`%A`), in the fixture's order.
    private var jobs: [(id: Int, fields: [String])]
    private var accounting: [String]
    private var nodes: [String]

    init() throws {
        directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("cluster"), withIntermediateDirectories: true)
        for name in ["nodes.txt", "partitions.txt", "jobs.txt", "accounting.txt", "meta.txt"] {
            try FileManager.default.copyItem(
                atPath: Fixtures.path("lab-22.05/\(name)"), toPath: directory.file("cluster/\(name)"))
        }
        jobs = try Fixtures.text("lab-22.05/jobs.txt").split(separator: "\n").map { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return (Int(fields[1])!, fields)
        }
        accounting = try Fixtures.text("lab-22.05/accounting.txt").split(separator: "\n").map(String.init)
        nodes = try Fixtures.text("lab-22.05/nodes.txt").split(separator: "\n").map(String.init)
    }

    /// Puts a node in another state, with an admin's reason (by root, now) or none.
    func setNode(_ name: String, state: String, reason: String? = nil) {
        guard let index = nodes.firstIndex(where: { $0.hasPrefix("NodeName=\(name) ") }) else { return }
        var line = nodes[index]
        if let range = line.range(of: " Reason=") { line = String(line[..<range.lowerBound]) }
        line = line.replacingOccurrences(of: #"State=\S+"#, with: "State=\(state)", options: .regularExpression)
        if let reason { line += " Reason=\(reason) [root@\(clock(now))]" }
        nodes[index] = line
    }

    var path: String { directory.file("cluster") }

    /// Time as squeue prints it.
    func clock(_ time: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }

    /// Ends a listed job: squeue shows the final state; accounting has the exit code unless `accounted` is false.
    func end(_ id: Int, state: String, exit: String = "0:0", reason: String = "None", accounted: Bool = true) {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return }
        var fields = jobs[index].fields
        let start = fields[19]
        fields[8] = state
        fields[9] = reason
        fields[20] = clock(now)
        jobs[index].fields = fields
        if accounted {
            let started = Self.parse(start) ?? now
            accounting.append(
                "\(id)|\(fields[0])|\(state)|\(exit)|\(Self.duration(now - started))|\(clock(now))")
        }
    }

    /// The job leaves squeue (purged after MinJobAge, or ended between two polls); accounting may know it.
    func vanish(_ id: Int, accounting state: String? = nil, exit: String = "0:0") {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return }
        let display = jobs[index].fields[0]
        jobs.remove(at: index)
        if let state { accounting.append("\(id)|\(display)|\(state)|\(exit)|00:00:10|\(clock(now))") }
    }

    /// Adds a job line built from an existing one, with a new id, display id and state.
    func add(copying id: Int, as newID: Int, display: String, state: String, nodes: String = "n5") {
        guard var fields = jobs.first(where: { $0.id == id })?.fields else { return }
        fields[0] = display
        fields[1] = String(newID)
        fields[8] = state
        fields[17] = nodes
        jobs.append((newID, fields))
    }

    /// Changes one field of a listed job (display id 0, array task 3, state 8, node list 17, start 19…).
    func set(_ id: Int, field: Int, to value: String) {
        guard let index = jobs.firstIndex(where: { $0.id == id }) else { return }
        jobs[index].fields[field] = value
    }

    /// Moves the clock on and writes what the next poll will read.
    func step(seconds: Int64 = 60) throws {
        now += seconds
        try (jobs.map { $0.fields.joined(separator: "|") }.joined(separator: "\n") + "\n")
            .write(toFile: directory.file("cluster/jobs.txt"), atomically: true, encoding: .utf8)
        try (accounting.joined(separator: "\n") + "\n")
            .write(toFile: directory.file("cluster/accounting.txt"), atomically: true, encoding: .utf8)
        try (nodes.joined(separator: "\n") + "\n")
            .write(toFile: directory.file("cluster/nodes.txt"), atomically: true, encoding: .utf8)
        try "now=\(now)\nutc_offset=+0000\nhost=vm\nversion=slurm-wlm 22.05.8\n"
            .write(toFile: directory.file("cluster/meta.txt"), atomically: true, encoding: .utf8)
    }

    static func parse(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }

    static func duration(_ seconds: Int64) -> String {
        String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    deinit { directory.remove() }
}
