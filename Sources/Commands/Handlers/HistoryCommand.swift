import Charts
import DiscordModels
import Foundation
import SlurmKit
import Store

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
                title: chart.title, description: Self.summary(buckets, metric: metric),
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
            layers = [
                .init(label: "Allocated", color: Theme.allocated, values: share([.allocated])),
                .init(label: "Mixed", color: Theme.mixed, values: share([.mixed])),
                .init(label: "Idle", color: Theme.idle, values: share([.idle])),
                .init(label: "Down/Drained", color: Theme.downDrained, values: share([.draining, .drained, .down])),
                .init(label: "Other", color: Theme.other, values: share([.reserved, .other])),
            ]
            capacity = buckets.map(\.nodesTotal)
            unit = "nodes"
        }
        let scopeName = partition.map { "partition \($0)" } ?? "cluster \(cluster)"
        let title = "\(unit == "nodes" ? "Nodes" : unit) of \(scopeName), last \(hours) h"
        let subtitle = "\(bucket / 60) min buckets, averaged · \(scope.footer(now: now, timeZone: timeZone))"
        return StackedAreaChart(
            title: title, subtitle: String(subtitle.prefix(140)), times: times, bucketSeconds: bucket, from: from,
            to: to,
            layers: layers, capacity: capacity, unit: unit, timeZone: timeZone)
    }

    /// One sentence on the window: average use and its peak.
    static func summary(_ buckets: [HistoryBucket], metric: String) -> String {
        guard !buckets.isEmpty else { return "No samples in this window: the poller was not running." }
        let used: [Double]
        let total: [Double]
        switch metric {
        case "cpus": (used, total) = (buckets.map(\.cpusAllocated), buckets.map(\.cpusTotal))
        case "gpus": (used, total) = (buckets.map(\.gpusUsed), buckets.map(\.gpusTotal))
        default:
            used = buckets.map { ($0.nodesByCategory[.allocated] ?? 0) + ($0.nodesByCategory[.mixed] ?? 0) }
            total = buckets.map(\.nodesTotal)
        }
        let average = used.reduce(0, +) / max(1, total.reduce(0, +))
        let peak = zip(used, total).map { $1 > 0 ? $0 / $1 : 0 }.enumerated().max { $0.element < $1.element }
        let noun = metric == "nodes" ? "nodes busy" : metric == "cpus" ? "CPUs allocated" : "GPUs in use"
        return String(
            format: "On average %.0f %% of %@; at most %.0f %%.", average * 100, noun, (peak?.element ?? 0) * 100)
    }
}
