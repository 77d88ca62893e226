import Threads

/// Runs blocking or long work (an SSH command, a child process, a big simulation) on a thread of its own and
/// waits for it without holding one of the threads Swift's tasks run on.
func offPool<T: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> T) async throws(Failure)
    -> T
{
    try await onOwnThread(name: "slurmbot-remote", body)
}
