import Discord

/// What `/watch` and `/unwatch` are about: who asks, and the job or cluster user named, checked before anything
/// reads the store.
struct WatchTarget {
    var person: String
    var job: String?
    var user: String?

    /// The target, or the problem to answer with.
    static func parse(_ context: CommandContext) -> Result<WatchTarget, Refusal> {
        guard let person = context.interaction.invoker?.id else {
            return .failure(Refusal("Discord did not say who you are."))
        }
        let job = context.string("job")
        let user: String?
        do {
            user = try context.name("user")
        } catch {
            return .failure(error)
        }
        if let job, !WhyCommand.isJobID(job) {
            return .failure(Refusal("Give a job id such as 12345, or 12345_7 for an array task."))
        }
        return .success(WatchTarget(person: person, job: job, user: user))
    }
}
