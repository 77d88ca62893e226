import DiscordModels

/// What `/watch` and `/unwatch` are about: who asks, and the job or cluster user named, checked before anything
/// reads the store.
struct WatchTarget {
    var person: String
    var job: String?
    var user: String?

    /// Reads the target from the command's options; the refusal is what to answer with.
    init(_ context: CommandContext) throws(Refusal) {
        guard let person = context.interaction.invoker?.id else { throw Refusal("Discord did not say who you are.") }
        let job = context.string("job")
        let user = try context.name("user")
        if let job, !WhyCommand.isJobID(job) {
            throw Refusal("Give a job id such as 12345, or 12345_7 for an array task.")
        }
        (self.person, self.job, self.user) = (person, job, user)
    }
}
