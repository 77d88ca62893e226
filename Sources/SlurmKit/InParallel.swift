import Dispatch

/// Runs two pure computations at once and returns both results: the poll's parse (nodes beside jobs) and its facts
/// (jobs beside nodes) each take two cores' worth of work on a 10,000-node cluster.
public func inParallel<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
    let results = ResultPair<A, B>()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
        if index == 0 { results.first = first() } else { results.second = second() }
    }
    return (results.first!, results.second!)
}

/// The two results of `inParallel`. Each slot is written by exactly one iteration and read only after
/// `concurrentPerform` has returned, which orders the writes before the reads.
private final class ResultPair<A, B>: @unchecked Sendable {
    var first: A?
    var second: B?
}
