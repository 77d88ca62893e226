import Charts
import ClusterFacts
import DiscordModels
import FixtureSupport
import Foundation
import Logging
import Poller
import Remote
import SimulatedRunner
import Simulation
import SlurmKit
import Testing

@testable import Commands
@testable import Store

/// Hours of the simulated cluster (60 nodes unless told), one poll every 5 minutes, ending at `end`.
/// - Parameter epoch: when the simulation's job chains start; two days before `end` unless given.
func simulatedDatabase(
    hours: Int = 6, end: Int64 = Signer.now, layout: Layout = .standard, epoch: Int64? = nil
) async throws -> (
    Database, TemporaryDirectory
) {
    let directory = try TemporaryDirectory()
    let database = try Database(path: directory.file("sim.db"))
    let clock = SimulationClock()
    // Chains start two days back: a busy cluster without simulating months of jobs first.
    let cluster = SimulatedCluster(layout: layout, epoch: epoch ?? end - 2 * 86_400)
    let poller = Poller(
        runner: SimulatedRunner(cluster: cluster, now: { clock.now }), database: database, cluster: "demo",
        logger: Logger(label: "test"))
    _ = try await Backfill(poller: poller, clock: clock, hours: hours, interval: 300).run(until: end)
    return (database, directory)
}

/// Runs a command handler directly: a function of (interaction, store, clock).
func run(
    _ command: String, _ options: [(String, String)] = [], on database: Database?, cluster: String = "lab",
    now: Int64 = Signer.now, probe: (any NodeProbe)? = nil
) async throws -> Reply {
    let interaction = try JSONDecoder().decode(
        Interaction.self, from: Data(Signer.command(command, options: options).utf8))
    let handler = try #require(CommandTable.standard.handler(named: command))
    let context = CommandContext(
        interaction: interaction, database: database, now: now, timeZone: TimeZone(identifier: "UTC")!,
        defaultCluster: cluster, nodeProbe: probe)
    let reply = await handler.run(context)
    #expect(
        MessageLimits.violations(reply.message, files: reply.files).isEmpty,
        "\(MessageLimits.violations(reply.message, files: reply.files))")
    #expect(phoneProblems(reply.message).isEmpty, "/\(command): \(phoneProblems(reply.message))")
    return reply
}

/// What would fall apart on a phone: monospace lines wider than about 40 characters (an `sbatch` line, which
/// wraps harmlessly and is copied whole, excepted), Slurm's ambiguous `M:SS` durations, negative ones.
func phoneProblems(_ message: MessagePayload) -> [String] {
    var texts = [message.content ?? ""]
    for embed in message.embeds ?? [] {
        texts += [embed.description ?? ""] + (embed.fields ?? []).flatMap { [$0.name, $0.value] }
    }
    var problems: [String] = []
    for text in texts {
        for (index, block) in text.components(separatedBy: "```").enumerated() where index % 2 == 1 {
            for line in block.split(separator: "\n") where line.count > 40 && !line.hasPrefix("sbatch ") {
                problems.append("wide monospace line: \(line)")
            }
        }
        if text.range(of: #"(?<![\d:])-\d+:\d"#, options: .regularExpression) != nil {
            problems.append("a negative clock duration in: \(text)")
        }
        if text.range(of: #"(?<![\d:<t])\d{1,2}:\d\d(?![\d:])(?! UTC)(?!–)"#, options: .regularExpression) != nil,
            !text.contains("sbatch"), !text.contains("--time")
        {
            problems.append("an M:SS duration in: \(text)")
        }
    }
    return problems
}

extension Reply {
    var embed: Embed? { message.embeds?.first }
    var text: String {
        let embed = message.embeds?.first
        return
            ([message.content, embed?.title, embed?.description, embed?.footer?.text].compactMap { $0 }
            + (embed?.fields ?? []).flatMap { [$0.name, $0.value] }).joined(separator: "\n")
    }
}

@Suite("the slash commands, run directly on real and simulated stores")
struct CommandTests {
    @Test("/history: a PNG of the stacked areas, attached and shown in the embed; every metric; bad options refused")
    func history() async throws {
        let (database, directory) = try await simulatedDatabase()
        defer { directory.remove() }
        for metric in ["nodes", "cpus", "gpus"] {
            let reply = try await run("history", [("hours", "6"), ("metric", metric)], on: database, cluster: "demo")
            let file = try #require(reply.files.first)
            #expect(file.filename == "history.png" && reply.embed?.image?.url == "attachment://history.png")
            let image = try #require(DecodedPNG(file.data))
            #expect(image.width == 1200 && image.height == 820 && image.pixel(x: 1, y: 1) == Theme.background.hex)
            #expect(image.count(of: Theme.allocated) > 5000, "the allocated layer covers a real area")
            let lines = reply.embed?.description?.split(separator: "\n") ?? []
            #expect(lines.first?.contains(" % in use; ") == true, "a one-line takeaway first: \(reply.text)")
            #expect(lines.last?.hasPrefix("On average ") == true, "\(reply.text)")
            #expect(
                reply.embed?.footer?.text.hasPrefix("cluster demo · data as of") == true
                    && reply.embed?.timestamp != nil)
        }
        let gpuPartition = try await run(
            "history", [("metric", "gpus"), ("partition", "cpu")], on: database, cluster: "demo")
        #expect(gpuPartition.ephemeral && gpuPartition.text.contains("No GPUs in partition cpu"))
        for options in [
            [("hours", "0")], [("hours", "721")], [("metric", "watts")], [("partition", "no;such")],
            [("partition", "nosuch")],
        ] {
            #expect(try await run("history", options, on: database, cluster: "demo").ephemeral)
        }
    }

    @Test("/heatmap: one row per node in partition sections; the colours of the states")
    func heatmap() async throws {
        let (database, directory) = try await simulatedDatabase()
        defer { directory.remove() }
        let reply = try await run("heatmap", [("hours", "6")], on: database, cluster: "demo")
        #expect(reply.embed?.description?.hasSuffix("\n60 nodes.") == true, "\(reply.text)")
        #expect(reply.embed?.description?.contains("out of service** in this window") == true, "\(reply.text)")
        let file = try #require(reply.files.first)
        let image = try #require(DecodedPNG(file.data))
        #expect(image.count(of: Theme.allocated) > 1000 && image.count(of: Theme.idle) > 100)
        let gpu = try await run("heatmap", [("partition", "gpu")], on: database, cluster: "demo")
        #expect(
            gpu.embed?.title == "Node states of partition gpu, last 24 h"
                && gpu.embed?.description?.hasSuffix("\n12 nodes.") == true)
    }

    @Test("the phone check catches what it guards against")
    func phoneCheck() {
        func problems(_ text: String) -> Int { phoneProblems(MessagePayload(content: text)).count }
        #expect(problems("running for 1:17 on c30") == 1 && problems("idle since -24:0-39 ago") >= 1)
        #expect(problems("```\n" + String(repeating: "x", count: 41) + "\n```") == 1)
        #expect(problems("ran 3 min 45 s · <t:1795549370:R> · sbatch -t 4:00:00") == 0)
    }

    @Test("/heatmap hours:N draws exactly N hours, ending at the snapshot", arguments: [1, 6, 23, 24, 72, 720])
    func heatmapSpan(hours: Int) async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let (chart, embed) = try await database.read { connection in
            guard case .success(let scope) = try ClusterScope.resolve(connection, requested: nil, defaultCluster: "lab")
            else { throw Refusal("no scope") }
            return try HeatmapCommand.read(
                connection, scope: scope, hours: hours, partition: nil, now: Signer.now,
                timeZone: TimeZone(identifier: "UTC")!)
        }
        let span = chart.bucketSeconds * Int64(chart.columns)
        #expect(span >= Int64(hours) * 3600 && span < Int64(hours) * 3600 + chart.bucketSeconds, "\(span) s")
        #expect(embed.title == "Node states of cluster lab, last \(hours) h")
        #expect(chart.start + span > Signer.now - 60, "ends at the snapshot")
    }

    @Test("the heatmap builder: the state covering most of a bucket wins, ties go to the more serious, gaps stay empty")
    func heatmapCells() {
        let down = NodeSpan(state: .init(parsing: "DOWN"), category: .down, reason: nil, from: 100, until: 150)
        let idle = NodeSpan(state: .init(parsing: "IDLE"), category: .idle, reason: nil, from: 150, until: 200)
        let busy = NodeSpan(
            state: .init(parsing: "ALLOCATED"), category: .allocated, reason: nil, from: 200, until: 290)
        let cells = HeatmapBuilder.cells(
            .init(node: "n1", spans: [down, idle, busy]), start: 0, bucket: 100, columns: 4)
        #expect(cells == [nil, .down, .allocated, nil])
        // A whole column takes its span's state at once; an instant (the newest poll) still colours its own.
        let whole = NodeSpan(state: .init(parsing: "IDLE"), category: .idle, reason: nil, from: 0, until: 200)
        let instant = NodeSpan(
            state: .init(parsing: "ALLOCATED"), category: .allocated, reason: nil, from: 200, until: 200)
        #expect(
            HeatmapBuilder.cells(.init(node: "n1", spans: [whole, instant]), start: 0, bucket: 100, columns: 3)
                == [.idle, .idle, .allocated])
        let early = NodeSpan(state: .init(parsing: "DOWN"), category: .down, reason: nil, from: 0, until: 0)
        #expect(
            HeatmapBuilder.cells(.init(node: "n1", spans: [early, whole]), start: 0, bucket: 100, columns: 2)
                == [.idle, .idle], "an instant does not outweigh a whole bucket")
    }

    @Test(
        "past 300 nodes, rows are blocks of neighbours in name order, coloured by busy share unless a node is stuck, labelled first–last"
    )
    func grouping() {
        let timelines: [NodeTimeline] = (1...900).reversed().map { index in
            let busy = index % 2 == 0
            let span = NodeSpan(
                state: NodeState(parsing: busy ? "ALLOCATED" : "IDLE"), category: busy ? .allocated : .idle,
                reason: nil, from: 0, until: 400)
            return NodeTimeline(node: "n\(index)", spans: [span])
        }
        var partitionOf: [String: String] = [:]
        for index in 1...900 { partitionOf["n\(index)"] = index <= 600 ? "small" : "big" }
        let grid = HeatmapBuilder.grid(
            timelines, partitionOf: partitionOf, sectionOrder: ["small", "big"], start: 0, bucket: 100, columns: 4)
        #expect(grid.nodesPerRow == 7 && grid.nodeCount == 900, "900 nodes in about 140 rows")
        #expect(grid.sections.map(\.title) == ["small", "big"])
        #expect(grid.sections.map(\.rows.count) == [86, 43])
        let small = grid.sections[0].rows
        #expect(small.first?.label == "n1–n7" && small.last?.label == "n596–n600")
        #expect(small.first?.cells == Array(repeating: .share(3 / 7), count: 4), "n2, n4, n6 of n1–n7 are busy")
        #expect(small.last?.cells.first == .share(3 / 5))
        #expect(grid.sections[1].rows.first?.label == "n601–n607")
        // One drained node in a block marks the block as down/drained, whatever its neighbours do; a draining one
        // as draining: a stuck node is never averaged away.
        var stuck = timelines
        let drainedIndex = stuck.firstIndex { $0.node == "n3" }!
        stuck[drainedIndex].spans = [
            NodeSpan(state: NodeState(parsing: "IDLE+DRAIN"), category: .drained, reason: "bad", from: 0, until: 400)
        ]
        let drainingIndex = stuck.firstIndex { $0.node == "n9" }!
        stuck[drainingIndex].spans = [
            NodeSpan(state: NodeState(parsing: "MIXED+DRAIN"), category: .draining, reason: "bad", from: 0, until: 400)
        ]
        let marked = HeatmapBuilder.grid(
            stuck, partitionOf: partitionOf, sectionOrder: ["small", "big"], start: 0, bucket: 100, columns: 4)
        let rows = marked.sections[0].rows
        #expect(rows[0].cells == Array(repeating: .state(HeatmapBuilder.legendIndex(.drained)), count: 4))
        #expect(rows[1].cells == Array(repeating: .state(HeatmapBuilder.legendIndex(.draining)), count: 4))
        #expect(rows[2].cells == grid.sections[0].rows[2].cells, "other blocks keep their share")
    }

    @Test("/queue: the leaderboard, the longest runners, waiting reasons in words, a Refresh button")
    func queue() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let reply = try await run("queue", on: database)
        let description = try #require(reply.embed?.description)
        // The suspended job holds its CPUs, so it counts as running, as in /status.
        // 12_[3-6%2] is four waiting tasks.
        #expect(description.hasPrefix("7 running (13 CPUs, 1 GPU), 13 waiting"))
        #expect(description.contains("USER          RUN   CPUS  GPUS  WAIT"))
        #expect(reply.text.contains("waiting for free resources") && reply.text.contains("held by its owner"))
        #expect(reply.message.components?.first?.components.first?.customID == "refresh:queue:")
        let retired = try await run("queue", [("partition", "retired")], on: database)
        #expect(retired.ephemeral && retired.text == "No partition retired in cluster lab.")
        let alice = try await run("queue", [("user", "alice")], on: database)
        #expect(
            alice.embed?.title == "Queue of cluster lab, user alice"
                && alice.message.components?.first?.components.first?.customID == "refresh:queue:user=alice")
        let nobody = try await run("queue", [("user", "nobody")], on: database)
        #expect(
            nobody.ephemeral && nobody.text.contains("No user nobody has been seen on cluster lab"), "\(nobody.text)")
    }

    @Test("/queue: a list cut short says so, with how many more; running times are words, never negative")
    func queueTruncation() async throws {
        let (database, directory) = try await simulatedDatabase()
        defer { directory.remove() }
        let facts = try #require(try await database.read { try $0.latestFacts(cluster: "demo") })
        let (user, jobs) = try #require(facts.jobs(nil).byUser.max { $0.value.running < $1.value.running })
        try #require(jobs.running > JobsSummary.longestKept, "a user with more running jobs than are listed")
        let reply = try await run("queue", [("user", user)], on: database, cluster: "demo")
        let field = try #require(reply.embed?.fields?.first)
        #expect(field.name == "Running, longest first (10 of \(jobs.running))", "\(field.name)")
        #expect(field.value.hasSuffix("… and \(jobs.running - 10) more"), "\(field.value)")
    }

    @Test("/inspect: state and flags, the reason with who and when, resources, the jobs on a busy node")
    func inspect() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let drained = try await run("inspect", [("node", "n4")], on: database)
        #expect(
            drained.text.contains("`IDLE+DRAIN` (drained)")
                && drained.text.contains("lab: bad DIMM\nby root, <t:"))
        // Idle since Slurm's LastBusyTime (19:40:17 in the capture), not since our first poll (a minute later).
        let idle = try await run("inspect", [("node", "n11")], on: database)
        let lastBusy: Int64 = 1_795_549_217
        #expect(idle.text.contains("since <t:\(lastBusy):f>"), "\(idle.text)")
        let busy = try await run("inspect", [("node", "n1")], on: database)
        #expect(busy.text.contains("train-resnet") && busy.text.contains("1 of 2 in use (TESLA)"), "\(busy.text)")
        let unknown = try await run("inspect", [("node", "n9999")], on: database)
        #expect(unknown.ephemeral && unknown.text.contains("No node n9999"))
        let similar = try await run("inspect", [("node", "n")], on: database)
        #expect(similar.text.contains("Similar: n1, n"), "\(similar.text)")
        #expect(
            try await run("inspect", [("node", "n1 && reboot")], on: database).text.contains("not one Slurm would use"))
        #expect(
            Hostlist.prefix(of: "gpu017") == "gpu" && Hostlist.prefix(of: "c-a3") == "c-a"
                && Hostlist.prefix(of: "42") == "42")
    }

    @Test("/canrun: nodes free now, the first fit later, scattered resources, time limits, bad sizes")
    func canrun() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let small = try await run("canrun", [("cpus", "1")], on: database)
        #expect(small.text.contains("**Yes, now:**") && small.text.contains("`n11`"), "\(small.text)")
        #expect(small.text.contains("sbatch -p "), "a ready sbatch line: \(small.text)")
        let listed = small.embed?.fields?.first?.value.split(separator: "\n").map(String.init) ?? []
        let firstGPU = listed.firstIndex { $0.contains("GPU") } ?? listed.count
        #expect(listed[firstGPU...].allSatisfy { $0.contains("GPU") }, "GPU nodes last for a CPU job: \(listed)")
        let gpu = try await run("canrun", [("gpus", "1")], on: database)
        #expect(gpu.text.contains("**Yes, now:** 1 node could start it") && gpu.text.contains("`n1`"), "\(gpu.text)")
        #expect(gpu.text.contains("--gres=gpu:1"), "\(gpu.text)")
        let huge = try await run("canrun", [("cpus", "64")], on: database)
        #expect(huge.text.contains("**Never, as asked:**") && huge.text.contains("is that big"), "\(huge.text)")
        #expect(huge.text.contains("64 CPUs (the largest has ") && huge.text.contains("add `nodes:"), "\(huge.text)")
        let memory = try await run("canrun", [("mem", "5T")], on: database)
        #expect(memory.text.contains("5 TB memory (the largest has "), "the short resource is named: \(memory.text)")
        #expect(!memory.text.contains("CPUs are free"), "\(memory.text)")
        let spread = try await run("canrun", [("cpus", "8"), ("nodes", "4")], on: database)
        #expect(spread.text.contains("8 CPUs on 4 nodes"), "\(spread.text)")
        #expect(!spread.text.contains("**Yes") || spread.text.contains("-N 4 -n 8"), "\(spread.text)")
        #expect(try await run("canrun", [("nodes", "3")], on: database).ephemeral, "more nodes than CPUs")
        let later = try await run("canrun", [("cpus", "4"), ("partition", "debug")], on: database)
        #expect(later.text.contains("The first fit should be"), "\(later.text)")
        #expect(later.text.contains("sbatch -p debug -c 4 job.sh"), "an sbatch line for the later fit: \(later.text)")
        let long = try await run("canrun", [("time", "10:00:00"), ("partition", "debug")], on: database)
        #expect(long.text.contains("Longer than partition debug allows: it would never start there."))
        #expect(try await run("canrun", [("mem", "lots")], on: database).ephemeral)
        #expect(try await run("canrun", [("time", "soon")], on: database).ephemeral)
    }

    @Test("/why: a pending job's reason with evidence; hints; running and ended jobs; unknown and hostile ids")
    func why() async throws {
        let (database, directory) = try await labDatabase()
        defer { directory.remove() }
        let waiting = try await run("why", [("job", "16")], on: database)
        #expect(waiting.text.contains("**Waiting: waiting for free resources.**"), "\(waiting.text)")
        #expect(waiting.embed?.fields?.map(\.name).starts(with: ["Asks for", "Free in batch", "Ahead of it"]) == true)
        #expect(try await run("why", [("job", "24")], on: database).text.contains("longer than the partition allows"))
        #expect(try await run("why", [("job", "19")], on: database).text.contains("scontrol release 19"))
        #expect(
            try await run("why", [("job", "6")], on: database).text.contains("ended **COMPLETED** with exit code 0"))
        #expect(
            try await run("why", [("job", "1")], on: database).text.contains(
                "It is not waiting: it is **running** since"))
        #expect(try await run("why", [("job", "999999")], on: database).text.contains("Job 999999 is not in the data"))
        for hostile in ["1;reboot", "12_", "abc", "1_2_3", String(repeating: "9", count: 30)] {
            #expect(try await run("why", [("job", hostile)], on: database).text.contains("Give a job id"))
        }
    }

    @Test(
        "/why on a simulated day: a job too big for any node is told it can never start, no answer contradicts itself")
    func whyNeverContradicts() async throws {
        // An hour into the simulation's six-hour window of too-big jobs, so they are waiting.
        let (database, directory) = try await simulatedDatabase(hours: 6, epoch: Signer.now - 2 * 86_400 - 3600)
        defer { directory.remove() }
        let pending = try await database.read {
            try $0.jobs(cluster: "demo", filter: JobFilter(states: [.pending], limit: 10_000)).map(\.job)
        }
        let huge = try #require(pending.first { ($0.memoryMB ?? 0) > 1_000_000 && $0.partition == "cpu" })
        let never = try await run("why", [("job", huge.displayID)], on: database, cluster: "demo")
        #expect(never.text.contains("**It can never start as asked.**"), "\(never.text)")
        #expect(never.text.contains("memory (the largest has 187 GB)"), "\(never.text)")
        #expect(!never.text.contains("waiting for free resources") && !never.text.contains("similar size"))
        for job in pending.prefix(40) {
            let reply = try await run("why", [("job", job.displayID)], on: database, cluster: "demo")
            let ahead = reply.embed?.fields?.first { $0.name == "Ahead of it" }?.value ?? ""
            if reply.text.contains("lower priority than other waiting jobs") {
                #expect(!ahead.hasPrefix("none"), "job \(job.displayID): \(reply.text)")
            }
            // Six hours of data: statistics never claim a week.
            #expect(!reply.text.contains("in 7 days") && !reply.text.contains("in the last 7 days"))
            if let similar = reply.embed?.fields?.first(where: { $0.name == "Similar jobs lately" })?.value {
                #expect(similar.contains("in the last 6 h") || similar.contains("in the last 5 h"), "\(similar)")
            }
        }
    }

    @Test(
        "suggestions: prefix matches first, then substrings, natural order, at most 25, hostile text harmless; n7 finds n007"
    )
    func suggestions() {
        let names = (1...40).map { "node\($0)" } + ["gpu1", "bignode1"]
        #expect(
            Suggestions.rank(names, typed: "node1") == [
                "node1", "node10", "node11", "node12", "node13", "node14", "node15", "node16", "node17", "node18",
                "node19", "bignode1",
            ])
        #expect(Suggestions.rank(names, typed: "").count == 25)
        #expect(Suggestions.rank(names, typed: "'; DROP TABLE nodes; --").isEmpty)
        #expect(Suggestions.rank(["n2", "n10", "n1"], typed: "N") == ["n1", "n2", "n10"])
        let padded = ["gpu007", "gpu070", "gpu700", "n0", "n100"]
        #expect(Suggestions.similar(padded, to: "gpu7") == ["gpu007", "gpu700"], "leading zeros do not matter")
        #expect(Suggestions.similar(padded, to: "gpu07") == ["gpu007", "gpu070"], "the same, then containing")
        #expect(Suggestions.withoutLeadingZeros("n0") == "n0" && Suggestions.withoutLeadingZeros("n100") == "n100")
        #expect(Suggestions.withoutLeadingZeros("rack02-node007") == "rack2-node7")
    }

    @Test("Refresh button ids: ours come back as command and options; anything else is refused; too long, none")
    func refreshIDs() {
        #expect(
            RefreshButton.parse("refresh:status:partition=gpu,cluster=a")! == (
                "status", ["partition": "gpu", "cluster": "a"]
            ))
        #expect(RefreshButton.parse("refresh:queue:")! == ("queue", [:]))
        for forged in [
            "refresh:why:job=1", "refresh:status:partition=g;rm", "refresh:status:node=n1", "other:status:",
            "refresh:status:partition",
        ] {
            #expect(RefreshButton.parse(forged) == nil, "\(forged)")
        }
        let long = RefreshButton.rows(
            command: "queue",
            options: [("user", String(repeating: "u", count: 64)), ("partition", String(repeating: "p", count: 64))])
        #expect(long.isEmpty, "no button rather than one that refreshes something else")
    }
}
