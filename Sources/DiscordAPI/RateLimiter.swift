/// Discord's rate limits as the responses describe them: per-route buckets (`X-RateLimit-Bucket`, `-Remaining`,
/// `-Reset-After`) and the global limit a 429 with `global: true` announces. Requests wait instead of being refused.
actor RateLimiter {
    private struct Bucket {
        var remaining: Int
        var resetAt: ContinuousClock.Instant
    }

    private var bucketOfRoute: [String: String] = [:]
    private var buckets: [String: Bucket] = [:]
    private var globalUntil: ContinuousClock.Instant?

    /// How long a request on `route` should wait before it goes out (zero when it may go now). Takes one of the
    /// bucket's remaining requests, so concurrent callers do not all spend the last one.
    func reserve(route: String) -> Duration {
        let now = ContinuousClock.now
        var wait = Duration.zero
        if let global = globalUntil, global > now { wait = global - now }
        guard let id = bucketOfRoute[route], var bucket = buckets[id] else { return wait }
        if bucket.resetAt <= now {
            return wait
        }
        if bucket.remaining <= 0 {
            wait = max(wait, bucket.resetAt - now)
        } else {
            bucket.remaining -= 1
            buckets[id] = bucket
        }
        return wait
    }

    /// Learns from a response's headers (names lowercased) and, for a 429, its body's `retry_after`/`global`.
    func update(route: String, status: Int, headers: [String: String], retryAfter: Double?, global: Bool) {
        let now = ContinuousClock.now
        if let id = headers["x-ratelimit-bucket"] {
            bucketOfRoute[route] = id
            let remaining = Int(headers["x-ratelimit-remaining"] ?? "") ?? 1
            let resetAfter = Double(headers["x-ratelimit-reset-after"] ?? "") ?? 0
            buckets[id] = Bucket(remaining: remaining, resetAt: now + .milliseconds(Int(resetAfter * 1000)))
        }
        guard status == 429 else { return }
        let seconds = retryAfter ?? Double(headers["retry-after"] ?? "") ?? 1
        let until = now + .milliseconds(Int(min(max(seconds, 0), 600) * 1000))
        if global || headers["x-ratelimit-global"] == "true" {
            globalUntil = max(globalUntil ?? until, until)
        } else {
            // A route whose bucket Discord has not named yet stands for its own bucket.
            let id = bucketOfRoute[route] ?? route
            bucketOfRoute[route] = id
            buckets[id] = Bucket(remaining: 0, resetAt: until)
        }
    }
}
