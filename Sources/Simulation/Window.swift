/// A recurring spell of trouble on one node: drained for days, down for a while, in a maintenance reservation.
struct Window: Sendable {
    enum Kind: Sendable {
        /// Admin drain with a reason: running jobs finish, nothing new starts.
        case drain
        /// Not responding: running jobs die with NODE_FAIL, nothing starts.
        case down
        /// Maintenance reservation: jobs are planned around it.
        case maintenance
    }

    var kind: Kind
    var period: Int64
    var offset: Int64
    var length: Int64

    /// The spell that contains `t`, as (start, end).
    func active(at t: Int64, epoch: Int64) -> (start: Int64, end: Int64)? {
        let phase = floorMod(t - epoch - offset, period)
        return phase < length ? (t - phase, t - phase + length) : nil
    }

    /// The first spell starting at or after `t`.
    func next(after t: Int64, epoch: Int64) -> (start: Int64, end: Int64) {
        let phase = floorMod(t - epoch - offset, period)
        let start = phase == 0 ? t : t - phase + period
        return (start, start + length)
    }
}

func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
    let r = a % b
    return r < 0 ? r + b : r
}
