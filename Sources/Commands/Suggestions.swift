public import DiscordModels
import SlurmKit
import Store

/// Autocomplete for node, partition, cluster and user options: names from the store, filtered by what is typed.
///
/// What the user typed only filters names in memory; it never reaches a query or a command.
public enum Suggestions {
    static let options: Set<String> = ["node", "partition", "cluster", "user", "cluster_user"]

    /// At most 25 names: those starting with `typed` first, then those containing it, each in natural order.
    static func rank(_ names: [String], typed: String) -> [String] {
        let needle = typed.lowercased()
        var starts: [String] = []
        var contains: [String] = []
        for name in Set(names) where name.count <= 100 {
            let lowered = name.lowercased()
            if needle.isEmpty || lowered.hasPrefix(needle) {
                starts.append(name)
            } else if lowered.contains(needle) {
                contains.append(name)
            }
        }
        return Array((starts.naturallySorted() + contains.naturallySorted()).prefix(25))
    }

    /// Names close to one that does not exist: the same one written with other leading zeros (n1 for n001) first,
    /// then those that start with or contain it.
    package static func similar(_ names: [String], to typed: String, limit: Int = 8) -> [String] {
        let shape = withoutLeadingZeros(typed.lowercased())
        let same = names.filter { withoutLeadingZeros($0.lowercased()) == shape }.naturallySorted()
        let near = rank(names, typed: typed).filter { !same.contains($0) }
        return Array((same + near).prefix(limit))
    }

    /// "gpu007" and "gpu7" both become "gpu7".
    static func withoutLeadingZeros(_ name: String) -> String {
        var result = ""
        var previousIsDigit = false
        var pendingZeros = 0
        for character in name {
            if character == "0" && !previousIsDigit {
                pendingZeros += 1
                continue
            }
            if pendingZeros > 0 {
                if !character.isNumber { result += "0" }
                pendingZeros = 0
            }
            result.append(character)
            previousIsDigit = character.isNumber
        }
        if pendingZeros > 0 { result += "0" }
        return result
    }

    public static func choices(_ context: CommandContext, option: String, typed: String) async -> [Choice] {
        if option == "job" { return await jobs(context, typed: typed) }
        guard options.contains(option), let database = context.database else { return [] }
        let requested = context.string("cluster").flatMap { SlurmName.isValid($0) ? $0 : nil }
        let defaultCluster = context.defaultCluster
        let names: [String] =
            (try? await database.read { connection in
                if option == "cluster" { return try connection.clusters() }
                guard
                    case .success(let scope) = try ClusterScope.resolve(
                        connection, requested: requested, defaultCluster: defaultCluster)
                else { return [] }
                switch option {
                case "node": return try connection.nodeNames(cluster: scope.cluster)
                case "partition": return try connection.currentPartitions(cluster: scope.cluster).map(\.name)
                default: return try connection.queuedUsers(cluster: scope.cluster)
                }
            }) ?? []
        return rank(names, typed: String(typed.prefix(100))).map { Choice(name: $0, value: $0) }
    }

    /// Job ids for `/why` (waiting jobs first) and `/watch` (running ones first): the asker's own first, as far as
    /// the bot knows them (the cluster users they watch), then the newest. What is typed must look like the start of
    /// a job id (digits, one `_`) or nothing is suggested.
    static func jobs(_ context: CommandContext, typed: String) async -> [Choice] {
        let typed = String(typed.prefix(24))
        guard typed.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }),
            typed.split(separator: "_", omittingEmptySubsequences: false).count <= 2,
            let database = context.database
        else { return [] }
        let requested = context.string("cluster").flatMap { SlurmName.isValid($0) ? $0 : nil }
        let (defaultCluster, asker) = (context.defaultCluster, context.interaction.invoker?.id)
        let state: JobState = context.interaction.data?.name == "why" ? .pending : .running
        let rows =
            (try? await database.read { connection -> [(id: String, name: String, user: String, state: String)] in
                guard
                    case .success(let scope) = try ClusterScope.resolve(
                        connection, requested: requested, defaultCluster: defaultCluster)
                else { return [] }
                let own =
                    try asker.map { id in
                        try connection.watches(cluster: scope.cluster, discordUser: id).filter { $0.kind == .user }
                            .map(\.subject)
                    } ?? []
                return try connection.jobSuggestions(
                    cluster: scope.cluster, typed: typed, preferredUsers: own, preferredState: state)
            }) ?? []
        return rows.map { row in
            let label = "\(row.id) · \(QueueCommand.short(row.name, 40)) (\(row.user), \(row.state.lowercased()))"
            return Choice(name: String(label.prefix(100)), value: row.id)
        }
    }
}
