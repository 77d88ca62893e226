public import DiscordModels

/// Every slash command of slurmbot, as registered with Discord: names, options, types, autocomplete, limits.
/// A command is listed here when its handler exists: nobody is offered a command that can only say it is not there.
public enum CommandCatalog {
    static let cluster = OptionDefinition(
        .string, "cluster", "Cluster, when this bot watches several", autocomplete: true)
    static let partition = OptionDefinition(.string, "partition", "Partition", autocomplete: true)
    static let hours = OptionDefinition(.integer, "hours", "How far back, in hours (default 24)", min: 1, max: 720)

    public static let all: [CommandDefinition] = [
        CommandDefinition(
            name: "status", description: "Nodes, CPUs, GPUs and jobs by partition, with the data's age",
            options: [partition, cluster]),
        CommandDefinition(
            name: "queue", description: "Who runs what, the longest jobs, and why jobs wait",
            options: [
                OptionDefinition(.string, "user", "Only this cluster user", autocomplete: true), partition, cluster,
            ]),
        CommandDefinition(
            name: "history", description: "Chart of capacity and use over time",
            options: [
                hours, partition,
                OptionDefinition(
                    .string, "metric", "What to chart (default nodes)",
                    choices: [
                        Choice(name: "nodes", value: "nodes"), Choice(name: "cpus", value: "cpus"),
                        Choice(name: "gpus", value: "gpus"),
                    ]),
                cluster,
            ]),
        CommandDefinition(
            name: "heatmap", description: "Chart of every node's state over time", options: [hours, partition, cluster]),
        CommandDefinition(
            name: "inspect", description: "One node in detail: state, reason, jobs, load",
            options: [OptionDefinition(.string, "node", "Node name", required: true, autocomplete: true), cluster]),
        CommandDefinition(
            name: "canrun", description: "Which nodes could start a job of this size now, or when",
            options: [
                OptionDefinition(.integer, "cpus", "CPUs in all", min: 1, max: 100_000),
                OptionDefinition(.string, "mem", "Memory per node, such as 64G", maxLength: 16),
                OptionDefinition(.integer, "gpus", "GPUs per node", min: 0, max: 1024), partition,
                OptionDefinition(.string, "time", "Time limit, such as 4:00:00 or 2-00:00:00", maxLength: 16),
                OptionDefinition(.integer, "nodes", "Nodes, for a job spread over several (MPI)", min: 1, max: 10_000),
                cluster,
            ]),
        CommandDefinition(
            name: "why", description: "Why a job is still pending, with the evidence",
            options: [
                OptionDefinition(
                    .string, "job", "Job id, such as 12345 or 12345_7", required: true, autocomplete: true,
                    maxLength: 24),
                cluster,
            ]),
        CommandDefinition(
            name: "watch", description: "Ping me when a job ends, or when any job of a cluster user ends",
            options: [
                OptionDefinition(.string, "job", "Job id", autocomplete: true, maxLength: 24),
                OptionDefinition(.string, "user", "Cluster user name", autocomplete: true, maxLength: 32),
                OptionDefinition(
                    .string, "notify", "Where to ping (default: here)",
                    choices: [
                        Choice(name: "direct message", value: "dm"), Choice(name: "this channel", value: "channel"),
                    ]),
                OptionDefinition(.boolean, "warn", "Also warn me when a job has used 90 % of its time limit"),
                cluster,
            ]),
        CommandDefinition(
            name: "unwatch", description: "Stop a watch",
            options: [
                OptionDefinition(.string, "job", "Job id", maxLength: 24),
                OptionDefinition(.string, "user", "Cluster user name", autocomplete: true, maxLength: 32), cluster,
            ]),
        CommandDefinition(
            name: "watches", description: "My watches, and any alert that could not be delivered", options: [cluster]),
        CommandDefinition(
            name: "link", description: "Link my Discord account to my Slurm account (proven by a tiny job)",
            options: [
                OptionDefinition(
                    .string, "cluster_user", "Your login on the cluster", required: true, autocomplete: true,
                    maxLength: 32),
                cluster,
            ]),
        CommandDefinition(name: "unlink", description: "Unlink my Slurm account", options: [cluster]),
        CommandDefinition(
            name: "myjobs", description: "My running and waiting jobs, with time left and why they wait",
            options: [cluster]),
        CommandDefinition(
            name: "summary", description: "The cluster in a few sentences: what is free, what is full, what changed",
            options: [partition, cluster]),
        CommandDefinition(
            name: "ask", description: "Ask about the cluster in your own words (answered from the current data)",
            options: [
                OptionDefinition(
                    .string, "question", "Such as: where can I run 4 GPUs for 8 hours?", required: true,
                    maxLength: 300),
                cluster,
            ]),
        CommandDefinition(name: "help", description: "What each command does"),
    ]

    /// One command's definition by name (the catalog is the single source of them).
    static func definition(_ name: String) -> CommandDefinition {
        guard let definition = all.first(where: { $0.name == name }) else {
            preconditionFailure("no /\(name) in the catalog")
        }
        return definition
    }
}
