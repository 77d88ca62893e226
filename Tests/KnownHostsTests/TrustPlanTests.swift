import FixtureSupport
import Testing

@testable import KnownHosts

/// What `slurmbot trust-host` may record, decided without a server: the rules its end-to-end tests exercise over
/// real SSH, one by one.
@Suite("trust-host's plan: revoked keys never, changed keys only with --replace, shared lines never rewritten")
struct TrustPlanTests {
    static func key(_ name: String) throws -> HostKey { try KnownHostsFileTests.key(name) }

    static func file() throws -> KnownHostsFile {
        func line(_ hosts: String, _ name: String) throws -> String {
            let key = try key(name)
            return "\(hosts) \(key.algorithm) \(key.base64)"
        }
        return KnownHostsFile(
            parsing: [
                try line("head.example", "old"),
                try line("[head.example]:2222,other.example", "old"),
                try line("@revoked *", "bastion_ed"),
                try line("head.example", "head_ec"),
            ].joined(separator: "\n") + "\n")
    }

    @Test("new, trusted, changed and revoked keys, and what is fresh to record")
    func verdicts() throws {
        let plan = TrustPlan(
            file: try Self.file(), host: "head.example", port: 22,
            keys: [try Self.key("head_ed"), try Self.key("head_ec"), try Self.key("bastion_ed")])
        #expect(plan.offered.map(\.verdict.kind) == ["changed", "trusted", "revoked"])
        #expect(plan.fresh == [try Self.key("head_ed")])
        let fresh = TrustPlan(file: try Self.file(), host: "new.example", port: 22, keys: [try Self.key("head_ed")])
        let headED = try Self.key("head_ed")
        #expect(fresh.offered.map(\.verdict.kind) == ["unknown"] && fresh.fresh == [headED])
    }

    @Test("fingerprints choose keys; a revoked one or none matching refuses")
    func fingerprints() throws {
        let plan = TrustPlan(
            file: try Self.file(), host: "head.example", port: 22,
            keys: [try Self.key("head_ed"), try Self.key("head_ec"), try Self.key("bastion_ed")])
        let ed = try Self.key("head_ed").fingerprint
        #expect(plan.chosen(byFingerprints: [ed]) == .success([try Self.key("head_ed")]))
        #expect(plan.chosen(byFingerprints: [String(ed.dropFirst(7))]) == .success([try Self.key("head_ed")]))
        #expect(plan.chosen(byFingerprints: [try Self.key("head_ec").fingerprint]) == .success([]), "trusted already")
        #expect(plan.chosen(byFingerprints: ["SHA256:nothing"]) == .failure(.noKeyWithFingerprint))
        #expect(plan.chosen(byFingerprints: [try Self.key("bastion_ed").fingerprint]) == .failure(.revoked))
    }

    @Test("a changed key replaces its line only with --replace, and never a line naming other hosts")
    func replace() throws {
        let chosen = [try Self.key("head_ed")]
        let plan = TrustPlan(file: try Self.file(), host: "head.example", port: 22, keys: chosen)
        #expect(plan.replacedLines(for: chosen, replace: false) == .failure(.changedWithoutReplace(chosen[0])))
        #expect(plan.replacedLines(for: chosen, replace: true) == .success([1]))
        let shared = TrustPlan(file: try Self.file(), host: "head.example", port: 2222, keys: chosen)
        #expect(
            shared.replacedLines(for: chosen, replace: true)
                == .failure(.lineNamesOtherHosts(line: 2, patterns: ["[head.example]:2222", "other.example"])))
        let new = TrustPlan(file: try Self.file(), host: "new.example", port: 22, keys: chosen)
        #expect(new.replacedLines(for: chosen, replace: false) == .success([]), "a new key replaces nothing")
    }
}

extension HostKeyVerdict {
    var kind: String {
        switch self {
        case .trusted: "trusted"
        case .revoked: "revoked"
        case .changed: "changed"
        case .unknown: "unknown"
        }
    }
}
