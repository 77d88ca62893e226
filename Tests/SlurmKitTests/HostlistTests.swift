import Testing

@testable import SlurmKit

@Suite("host lists and natural order")
struct HostlistTests {
    @Test(
        "expand",
        arguments: [
            ("n[1-3]", ["n1", "n2", "n3"]),
            ("n[01-03,07]", ["n01", "n02", "n03", "n07"]),
            ("gpu[01-02],cpu-a[1-2]", ["gpu01", "gpu02", "cpu-a1", "cpu-a2"]),
            ("r[1-2]n[1-2]", ["r1n1", "r1n2", "r2n1", "r2n2"]),
            ("n[1-2]-ib", ["n1-ib", "n2-ib"]),
            ("n[8-10]", ["n8", "n9", "n10"]),
            ("n[098-101]", ["n098", "n099", "n100", "n101"]),
            ("login,n[3,5]", ["login", "n3", "n5"]),
            ("(null)", []),
            ("", []),
        ])
    func expand(input: String, expected: [String]) throws {
        #expect(try Hostlist.expand(input) == expected)
    }

    @Test("bad host lists are errors", arguments: ["n[1-", "n1]", "n[a-b]", "n[5-1]", "n[[1]]", "n[1,,2]"])
    func bad(input: String) {
        #expect(throws: Hostlist.Error.self) { try Hostlist.expand(input) }
    }

    @Test("expansion is capped")
    func cap() {
        #expect(throws: Hostlist.Error.tooLarge(limit: 100)) { try Hostlist.expand("n[1-1000]", limit: 100) }
        #expect(throws: Hostlist.Error.tooLarge(limit: 1_000_000)) {
            try Hostlist.expand("n[0-999999999999999999]x[1-10]")
        }
    }

    @Test(
        "compress",
        arguments: [
            (["n3", "n1", "n2", "n5"], "n[1-3,5]"),
            (["n09", "n10", "n11"], "n[09-11]"),
            (["n9", "n10"], "n[9-10]"),
            (["login"], "login"),
            (["gpu01", "cpu-a1", "cpu-a2"], "cpu-a[1-2],gpu01"),
            (["n1-ib", "n2-ib"], "n[1-2]-ib"),
        ])
    func compress(input: [String], expected: String) {
        #expect(Hostlist.compress(input) == expected)
    }

    @Test("compress then expand gives back the same names, over random sets")
    func roundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        let prefixes = ["n", "gpu", "cpu-a", "r1n", "x", "node.rack"]
        let suffixes = ["", "", "-ib"]
        for _ in 0..<500 {
            var names = Set<String>()
            for _ in 0..<Int.random(in: 1...60, using: &rng) {
                let prefix = prefixes.randomElement(using: &rng)!
                let suffix = suffixes.randomElement(using: &rng)!
                let number = Int.random(in: 0...1200, using: &rng)
                let width = [0, 2, 3, 4].randomElement(using: &rng)!
                let digits = String(number)
                let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
                names.insert(prefix + padded + suffix)
                if Int.random(in: 0..<10, using: &rng) == 0 { names.insert(prefix) }
            }
            let compressed = Hostlist.compress(names)
            let expanded = try Hostlist.expand(compressed)
            #expect(Set(expanded) == names, "\(compressed)")
            #expect(expanded.count == names.count)
        }
    }

    @Test("natural order")
    func natural() {
        #expect(
            ["n10", "n2", "n1", "gpu10", "gpu9", "n01"].naturallySorted() == [
                "gpu9", "gpu10", "n01", "n1", "n2", "n10",
            ])
        #expect(naturalLess("a", "a1") && !naturalLess("a1", "a"))
        #expect(naturalCompare("n007", "n7") != 0)
    }
}
