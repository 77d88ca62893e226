import Dispatch

/// Runs blocking or long work on a GCD thread and waits for it without holding a cooperative-pool thread.
///
/// The pool has as many threads as cores (two here); file reads, process pipes and big simulations stay off it.
func offPool<T: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> T) async throws(Failure)
    -> T
{
    let result: Result<T, Failure> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: Result { () throws(Failure) in try body() })
        }
    }
    return try result.get()
}
