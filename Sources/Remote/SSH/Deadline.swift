import Dispatch

/// A point on the monotonic clock by which something must be done; every SSH wait is bounded by one.
struct Deadline: Sendable {
    let uptimeNanoseconds: UInt64
    /// The budget this deadline was set with, in whole seconds, for messages ("did not answer within 10 s").
    let budgetSeconds: Int

    static func after(_ duration: Duration) -> Deadline {
        let seconds = max(0, duration.seconds)
        return Deadline(
            uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds + UInt64(min(seconds * 1e9, 1e15)),
            budgetSeconds: Int(seconds.rounded(.up)))
    }

    var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= uptimeNanoseconds }

    var remainingSeconds: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= uptimeNanoseconds ? 0 : Double(uptimeNanoseconds - now) / 1e9
    }

    /// Milliseconds left, rounded up so a wait never ends just before the deadline; capped for `poll(2)`.
    var remainingMilliseconds: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now < uptimeNanoseconds else { return 0 }
        return Int32(min(UInt64(Int32.max), (uptimeNanoseconds - now + 999_999) / 1_000_000))
    }

    /// The sooner of this deadline and one `duration` from now.
    func capped(at duration: Duration) -> Deadline {
        let step = Deadline.after(duration)
        return step.uptimeNanoseconds < uptimeNanoseconds ? step : self
    }
}
