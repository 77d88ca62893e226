import Charts
import DiscordModels
import Foundation
import SlurmKit
package import Store
import WallTime

/// `/history [hours] [partition] [metric] [cluster]`: capacity against use over time, as a stacked area PNG.
struct HistoryCommand: SlashCommand {
    let ephemeral = false
    var definition: CommandDefinition { CommandCatalog.definition("history") }

    func run(_ context: CommandContext) async -> Reply {
        let metric = context.string("metric") ?? "nodes"
        guard ["nodes", "cpus", "gpus"].contains(metric) else { return .problem("metric is nodes, cpus or gpus.") }
        let (hours, partition): (Int, String?)
        do {
            (hours, partition) = (try context.hours(), try context.name("partition"))
        } catch {
            return .problem(error.message)
        }
        let (now, timeZone) = (context.now, context.timeZone)
        return await context.chartReply(filename: "history.png") { connection, scope in
            _ = try scope.partitions(connection, checking: partition)
            // The window ends with the newest data; the footer says how old that is.
            let to = (scope.snapshotAt ?? now) + 60
            let from = to - Int64(hours) * 3600
            let bucket = Self.bucket(hours: hours)
            let buckets = try connection.history(
                cluster: scope.cluster, partition: partition ?? PartitionUsage.allPartitions, from: from, to: to,
                bucket: bucket)
            let chart = try Self.chart(
                buckets, metric: metric, from: from, to: to, bucket: bucket, cluster: scope.cluster,
                partition: partition, hours: hours, scope: scope, now: now, timeZone: timeZone)
            var embed = Embed(
                title: chart.title,
                description: ([Self.takeaway(buckets, metric: metric, bucket: bucket)].compactMap { $0 }
                    + [Self.summary(buckets, metric: metric)]).joined(separator: "\n"),
                image: .init(url: "attachment://history.png"))
            scope.sign(&embed, now: now)
            return (chart, embed)
        }
    }

    /// About 288 columns whatever the window: 5 minutes for a day, an hour for 12 days.
    static func bucket(hours: Int) -> Int64 {
        let raw = Int64(hours) * 3600 / 288
        return max(300, (raw + 299) / 300 * 300)
    }

    static func chart(
        _ buckets: [HistoryBucket], metric: String, from: Int64, to: Int64, bucket: Int64, cluster: String,
        partition: String?,
        hours: Int, scope: ClusterScope, now: Int64, timeZone: TimeZone
    ) throws -> StackedAreaChart {
        let times = buckets.map(\.start)
        let layers: [StackedAreaChart.Layer]
        let capacity: [Double]
        let unit: String
        switch metric {
        case "cpus":
            layers = [
                .init(label: "Allocated", color: Theme.allocated, values: buckets.map(\.cpusAllocated)),
                .init(
                    label: "Idle", color: Theme.idle, values: buckets.map { max(0, $0.cpusTotal - $0.cpusAllocated) }),
            ]
            capacity = buckets.map(\.cpusTotal)
            unit = "CPUs"
        case "gpus":
            guard buckets.contains(where: { $0.gpusTotal > 0 }) else {
                throw Refusal(
                    "No GPUs in \(partition.map { "partition \($0)" } ?? "cluster \(cluster)") over that time.")
            }
            layers = [
                .init(label: "In use", color: Theme.allocated, values: buckets.map(\.gpusUsed)),
                .init(label: "Free", color: Theme.idle, values: buckets.map { max(0, $0.gpusTotal - $0.gpusUsed) }),
            ]
            capacity = buckets.map(\.gpusTotal)
            unit = "GPUs"
        default:
            func share(_ categories: [NodeCategory]) -> [Double] {
                buckets.map { bucket in categories.reduce(0) { $0 + (bucket.nodesByCategory[$1] ?? 0) } }
            }
            // The heatmap's states, names and colours, busiest at the bottom; states never seen in the window
            // stay out of the legend.
            let order: [NodeCategory] = [.allocated, .mixed, .idle, .draining, .drained, .reserved, .other]
            layers = order.compactMap { category in
                let entry = HeatmapBuilder.legend[HeatmapBuilder.legendIndex(category)].1
                let values = share(category == .drained ? [.drained, .down] : [category])
                guard category == .allocated || category == .idle || values.contains(where: { $0 > 0 }) else {
                    return nil
                }
                return .init(label: entry.label, color: entry.color, values: values)
            }
            capacity = buckets.map(\.nodesTotal)
            unit = "nodes"
        }
        let scopeName = partition.map { "partition \($0)" } ?? "cluster \(cluster)"
        let title = "\(unit == "nodes" ? "Nodes" : unit) of \(scopeName), last \(hours) h"
        let subtitle = "\(bucket / 60) min buckets · \(scope.chartNote(now: now, timeZone: timeZone))"
        return StackedAreaChart(
            title: title, subtitle: String(subtitle.prefix(70)), times: times, bucketSeconds: bucket, from: from,
            to: to,
            layers: layers, capacity: capacity, unit: unit, timeZone: timeZone, now: scope.snapshotAt)
    }

    /// What is used of what there is, per bucket, for `metric`.
    static func use(_ buckets: [HistoryBucket], metric: String) -> (used: [Double], total: [Double]) {
        let use = buckets.map { $0.use(metric) }
        return (use.map(\.used), use.map(\.total))
    }

    /// The window in one line, for the message above the chart: "**Busiest <t:…:t>–<t:…:t>**, up to 98 % in use;
    /// full for 3 h in all." Times are Discord's, so each reader sees their own zone.
    static func takeaway(_ buckets: [HistoryBucket], metric: String, bucket: Int64) -> String? {
        let (used, total) = use(buckets, metric: metric)
        let shares = zip(used, total).map { $1 > 0 ? $0 / $1 : 0 }
        guard let peak = shares.max(), peak > 0 else { return nil }
        // The longest stretch of buckets within five points of the peak.
        var best: (start: Int, end: Int)?
        var runStart: Int?
        for index in shares.indices {
            let near = shares[index] >= peak - 0.05
            let continues = index > 0 && buckets[index].start - buckets[index - 1].start == bucket
            if near, runStart == nil || !continues { runStart = index }
            if !near { runStart = nil }
            if let start = runStart, best.map({ index - start > $0.end - $0.start }) ?? true {
                best = (start, index)
            }
        }
        let full = shares.filter { $0 >= 0.999 }.count
        var text = ""
        if let best {
            let from = buckets[best.start].start
            let to = buckets[best.end].start + bucket
            text = "**Busiest \(DiscordTimestamp.markup(from, .time))–\(DiscordTimestamp.markup(to, .time))**, "
        }
        text += "up to \(Int((peak * 100).rounded())) % in use; "
        text += full == 0 ? "never full." : "full for \(DurationWords.text(Int64(full) * bucket)) in all."
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// One sentence on the window: its average use (the takeaway above it gives the peak).
    static func summary(_ buckets: [HistoryBucket], metric: String) -> String {
        guard !buckets.isEmpty else { return "No samples in this window: the poller was not running." }
        let (used, total) = use(buckets, metric: metric)
        let average = used.reduce(0, +) / max(1, total.reduce(0, +))
        let noun = metric == "nodes" ? "nodes busy" : metric == "cpus" ? "CPUs allocated" : "GPUs in use"
        return String(format: "On average %.0f %% of %@.", average * 100, noun)
    }
}

extension HistoryBucket {
    /// How much of `metric` (nodes, cpus, gpus) was in use in the bucket and how much there was: what `/history`
    /// charts, and the MCP tool's series.
    package func use(_ metric: String) -> (used: Double, total: Double) {
        switch metric {
        case "cpus": (cpusAllocated, cpusTotal)
        case "gpus": (gpusUsed, gpusTotal)
        default: ((nodesByCategory[.allocated] ?? 0) + (nodesByCategory[.mixed] ?? 0), nodesTotal)
        }
    }
}
