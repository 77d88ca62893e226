/// How the poller is doing for one cluster: the newest good snapshot, the newest attempt, the failures since.
///
/// Read beside the facts, never stored in them: a failed poll writes no snapshot, so the facts of the last good one
/// cannot know what came after. Every front end (the embeds' footers and colours, `/status`, `slurmbot status`,
/// `/healthz`, and next the analyst and the MCP tools) tells the data's age and the poller's trouble from this one
/// value, with one rule for when data is too old to trust.
public struct PollHealth: Sendable, Hashable, Codable {
    /// One poll attempt.
    public struct Attempt: Sendable, Hashable, Codable {
        public var startedAt: Int64
        public var ok: Bool
        /// Why it failed (as recorded: the poller keeps secrets out of it).
        public var error: String?

        public init(startedAt: Int64, ok: Bool, error: String? = nil) {
            self.startedAt = startedAt
            self.ok = ok
            self.error = error
        }
    }

    /// Data older than this (seconds) is called stale: three missed polls at the default five minutes.
    public static let staleAfter: Int64 = 900

    /// The head node's clock when the newest good snapshot was taken; nil before the first good poll.
    public var snapshotAt: Int64?
    /// When that poll finished, on our clock.
    public var lastSuccessAt: Int64?
    /// The Slurm version the newest good poll saw.
    public var slurmVersion: String?
    /// The newest attempt, good or not.
    public var lastAttempt: Attempt?
    /// Failed attempts since the last good one.
    public var failuresSinceSuccess: Int

    public init(
        snapshotAt: Int64? = nil, lastSuccessAt: Int64? = nil, slurmVersion: String? = nil,
        lastAttempt: Attempt? = nil, failuresSinceSuccess: Int = 0
    ) {
        self.snapshotAt = snapshotAt
        self.lastSuccessAt = lastSuccessAt
        self.slurmVersion = slurmVersion
        self.lastAttempt = lastAttempt
        self.failuresSinceSuccess = failuresSinceSuccess
    }

    /// Differences under this (seconds) between the head node's clock and ours are the poll's own duration, not a
    /// clock that is wrong.
    public static let clockTolerance: Int64 = 120

    /// How far the head node's clock runs ahead of ours (negative: behind), from the newest good poll: its
    /// snapshot time (the head's clock) against when it finished (ours). Zero within `clockTolerance`.
    public var headClockAhead: Int64 {
        guard let snapshotAt, let lastSuccessAt, abs(snapshotAt - lastSuccessAt) > Self.clockTolerance else { return 0 }
        return snapshotAt - lastSuccessAt
    }

    /// A time Slurm printed (the head node's clock) on our clock: what a reader's "5 minutes ago" must be told.
    public func ourTime(_ headTime: Int64) -> Int64 {
        headTime - headClockAhead
    }

    /// Seconds since the snapshot, on our clock (never negative); nil without one.
    public func age(now: Int64) -> Int64? {
        snapshotAt.map { max(0, now - ourTime($0)) }
    }

    /// No snapshot at all, or one older than `staleAfter`.
    public func isStale(now: Int64) -> Bool {
        age(now: now).map { $0 > Self.staleAfter } ?? true
    }

    /// The newest attempt failed: the data shown is from before it.
    public var lastAttemptFailed: Bool { lastAttempt?.ok == false }

    /// Stale, or the newest attempt failed: not to be trusted at a glance (the embeds turn amber or red).
    public func needsAttention(now: Int64) -> Bool {
        isStale(now: now) || lastAttemptFailed
    }
}
