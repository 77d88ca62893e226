import ArgumentParser

@main
struct SlurmbotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurmbot",
        abstract: "slurmbot: a Slurm cluster, seen from Discord.",
        subcommands: [
            DemoCommand.self, StatusCommand.self, RenderCommand.self, PollScriptCommand.self, TrustHostCommand.self,
            RegisterCommandsCommand.self, MCPCommand.self, BackupCommand.self, HealthcheckCommand.self,
            DoctorCommand.self,
        ]
    )
}
