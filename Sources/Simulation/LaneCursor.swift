/// Where one lane's chain has been generated up to, with the jobs that still matter.
struct LaneCursor: Sendable {
    var nextIndex = 0
    var previousEnd: Int64
    var previousStart: Int64?
    var previousID: Int?
    /// Generated jobs that ended less than an hour before the last query, or have not ended.
    var recent: [SimJob] = []
    /// Queries earlier than this need a fresh chain, because jobs they need were dropped.
    var validFrom: Int64

    init(epoch: Int64) {
        previousEnd = epoch
        validFrom = epoch
    }
}

extension SimulatedCluster {
    /// How long ended jobs are kept for the accounting section.
    static let accountingWindow: Int64 = 3600

    /// Moves lane `lane` to time `t` and returns the jobs that matter at `t`.
    func jobs(lane: Int, at t: Int64) -> [SimJob] {
        // Jobs that ended before `validFrom` were dropped; a query that needs them starts the chain again.
        if cursors[lane].validFrom > epoch && t - SimulatedCluster.accountingWindow < cursors[lane].validFrom {
            cursors[lane] = LaneCursor(epoch: epoch)
        }
        var cursor = cursors[lane]
        while cursor.recent.last.map({ $0.submit <= t }) ?? true {
            let job = makeJob(lane: lanes[lane], index: cursor.nextIndex, cursor: cursor)
            cursor.nextIndex += 1
            cursor.previousEnd = job.end
            cursor.previousStart = job.start
            cursor.previousID = job.id
            cursor.recent.append(job)
        }
        let horizon = t - SimulatedCluster.accountingWindow
        if let keepFrom = cursor.recent.firstIndex(where: { $0.end > horizon }), keepFrom > 0 {
            cursor.validFrom = max(cursor.validFrom, cursor.recent[keepFrom - 1].end)
            cursor.recent.removeFirst(keepFrom)
        }
        cursors[lane] = cursor
        return cursor.recent
    }
}
