import Charts
import DiscordModels
import Store

/// What /history and /heatmap share: the window, the partition check, and reading on the store then drawing off it.
extension CommandContext {
    /// The `hours` option: 24 unless given, 1 to 720 (30 days).
    func hours() throws(Refusal) -> Int {
        let hours = Int(options["hours"]?.integer ?? 24)
        guard (1...720).contains(hours) else { throw Refusal("hours must be between 1 and 720.") }
        return hours
    }

    /// Reads a chart and its embed for the resolved cluster, then draws the chart on a chart thread and attaches it
    /// as `filename` (the embed shows `attachment://filename`), its title as the alt text.
    func chartReply<Chart: PNGChart>(
        filename: String, _ read: @escaping @Sendable (Connection, ClusterScope) throws -> (Chart, Embed)
    ) async -> Reply {
        let chart: Chart
        let embed: Embed
        do {
            (chart, embed) = try await reading(read)
        } catch {
            return error.reply
        }
        do {
            let png = try await chart.renderedPNG()
            return Reply(
                message: MessagePayload(embeds: [embed]),
                files: [DiscordFile(filename: filename, data: png, description: embed.title)])
        } catch {
            return .failure("The chart could not be drawn; the admins can find the error in the logs.", logging: error)
        }
    }
}
