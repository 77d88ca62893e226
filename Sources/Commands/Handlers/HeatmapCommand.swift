import Charts
import DiscordModels
import Foundation
import SlurmKit
import Store
import WallTime

/// `/heatmap [hours] [partition] [cluster]`: every node's state over time, one row per node (or per group of
/// nodes on big clusters, which the message says).
struct HeatmapCommand: SlashCommand {
    let ephemeral = false
    var definition: CommandDefinition { CommandCatalog.definition("heatmap") }

    func run(_ context: CommandContext) async -> Reply {
        let (hours, partition): (Int, String?)
        do {
            (hours, partition) = (try context.hours(), try context.name("partition"))
        } catch {
            return .problem(error.message)
        }
        let (now, timeZone) = (context.now, context.timeZone)
        return await context.chartReply(filename: "heatmap.png") { connection, scope in
            try Self.read(connection, scope: scope, hours: hours, partition: partition, now: now, timeZone: timeZone)
        }
    }

    /// The chart to draw and the embed to show it in.
    static func read(
        _ connection: Connection, scope: ClusterScope, hours: Int, partition: String?, now: Int64, timeZone: TimeZone
    ) throws -> (Heatmap, Embed) {
        let partitions = try scope.partitions(connection, checking: partition)
        let bucket = HistoryCommand.bucket(hours: hours)
        // Exactly the span asked for: 72 five-minute columns for 6 h, 288 for a day, 288 longer ones for a month.
        let columns = Int((Int64(hours) * 3600 + bucket - 1) / bucket)
        let end = ((scope.snapshotAt ?? now) / bucket + 1) * bucket
        let start = end - bucket * Int64(columns)
        var partitionOf: [String: String] = [:]
        for (node, partitions) in try connection.nodePartitions(cluster: scope.cluster) {
            partitionOf[node] = partition.flatMap { partitions.contains($0) ? $0 : nil } ?? partitions.first
        }
        let wanted = partition.map { name in Set(partitionOf.filter { $0.value == name }.keys) }
        let timelines = try connection.nodeTimelines(cluster: scope.cluster, from: start, to: end, nodes: wanted)
        let grid = HeatmapBuilder.grid(
            timelines, partitionOf: partitionOf, sectionOrder: partitions.map(\.name), start: start, bucket: bucket,
            columns: columns)
        let grouped = grid.nodesPerRow > 1
        let scopeName = partition.map { "partition \($0)" } ?? "cluster \(scope.cluster)"
        let chart = Heatmap(
            title: "Node states of \(scopeName), last \(hours) h",
            subtitle: String(
                "\(bucket / 60) min per column · \(scope.chartNote(now: now, timeZone: timeZone))".prefix(70)),
            start: start, bucketSeconds: bucket, columns: columns, sections: grid.sections,
            legend: HeatmapBuilder.legend.map(\.1), showsShareScale: grouped, timeZone: timeZone,
            now: scope.snapshotAt)
        var description = counted(grid.nodeCount, "node") + "."
        if grouped {
            let rows = grid.sections.reduce(0) { $0 + $1.rows.count }
            description =
                "\(grid.nodeCount) nodes, too many for a row each: each of the \(rows) rows is a block of up to "
                + "\(grid.nodesPerRow) nodes in name order, coloured by the share of them that is busy (allocated or "
                + "mixed). /inspect shows one node."
        }
        description = Self.takeaway(timelines, from: start, to: end) + "\n" + description
        var embed = Embed(title: chart.title, description: description, image: .init(url: "attachment://heatmap.png"))
        scope.sign(&embed, now: now)
        return (chart, embed)
    }

    /// The window's out-of-service time in one line: "**2 nodes out of service** in this window; longest `c07`
    /// (15 h, still now)", or that none was.
    static func takeaway(_ timelines: [NodeTimeline], from: Int64, to: Int64) -> String {
        var out: [(node: String, seconds: Int64, now: Bool)] = []
        for timeline in timelines {
            var seconds: Int64 = 0
            for span in timeline.spans where [.down, .drained, .draining].contains(span.category) {
                seconds += max(0, min(span.until, to) - max(span.from, from))
            }
            guard seconds > 0 else { continue }
            let last = timeline.spans.last
            out.append(
                (timeline.node, seconds, last.map { [.down, .drained, .draining].contains($0.category) } ?? false))
        }
        guard let longest = out.max(by: { ($0.seconds, $1.node) < ($1.seconds, $0.node) }) else {
            return "**No node was out of service** in this window."
        }
        return "**\(counted(out.count, "node")) out of service** in this window; longest `\(longest.node)` "
            + "(\(DurationWords.text(longest.seconds))\(longest.now ? ", still now" : ""))."
    }
}
