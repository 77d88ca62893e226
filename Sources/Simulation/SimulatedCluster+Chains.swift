import SlurmKit

extension SimulatedCluster {
    /// The `index`-th job of a lane, decided by a hash of (seed, lane, index) and where the previous job ended.
    func makeJob(lane: Lane, index: Int, cursor: LaneCursor) -> SimJob {
        var rng = SplitMix(seed, UInt64(lane.index), UInt64(index))
        let busyHours = isBusyHour(cursor.previousEnd)
        var start = cursor.previousEnd + 30 + Int64(rng.exponential(mean: busyHours ? 12 * 60 : 75 * 60))
        let meanDuration: Double =
            lane.gpusPerNode > 0 ? 4 * 3600 : lane.memoryPerNodeMB > 400_000 ? 3 * 3600 : 2 * 3600
        var duration = min(Int64(lane.maxTime), 360 + Int64(rng.exponential(mean: meanDuration)))
        let stretch = 1.2 + rng.unit() * 2.8
        var limit = min(lane.maxTime, Int((Double(duration) * stretch / 900).rounded(.up)) * 900)
        limit = max(limit, 900)

        var state = JobState.completed
        var exitCode = 0
        var signal = 0
        var cancelledPending = false
        let draw = rng.unit()
        switch draw {
        case ..<0.80:
            break
        case ..<0.87:
            state = .failed
            exitCode = rng.unit() < 0.5 ? 1 : 2
            if rng.unit() < 0.4 {
                // A script error: fails within seconds.
                duration = 5 + Int64(rng.unit() * 40)
                exitCode = 127
            }
        case ..<0.90:
            state = .timeout
            duration = Int64(limit)
        case ..<0.93:
            state = .outOfMemory
            duration = max(60, duration / 3)
            signal = 125
        case ..<0.97:
            state = .cancelled
            duration = max(60, duration / 2)
            signal = 15
        default:
            state = .cancelled
            cancelledPending = true
            duration = 0
        }

        // Plan around the node's spells: nothing starts in one, nothing runs into a maintenance window,
        // and a node going down kills what runs on it.
        for _ in 0..<8 {
            var moved = false
            for nodeIndex in lane.nodeIndexes {
                for window in nodes[nodeIndex].windows {
                    if let active = window.active(at: start, epoch: epoch) {
                        start = active.end + 60
                        moved = true
                    } else if window.kind == .maintenance, !cancelledPending {
                        let next = window.next(after: start, epoch: epoch)
                        if next.start < start + duration {
                            start = next.end + 60
                            moved = true
                        }
                    }
                }
            }
            if !moved { break }
        }
        var end = start + duration
        if !cancelledPending {
            for nodeIndex in lane.nodeIndexes {
                for window in nodes[nodeIndex].windows where window.kind == .down {
                    let next = window.next(after: start + 1, epoch: epoch)
                    if next.start < end {
                        end = next.start
                        state = .nodeFail
                        exitCode = 0
                        signal = 0
                    }
                }
            }
        }

        let earliestSubmit = max(epoch, (cursor.previousStart ?? epoch) + 60)
        let wait = Int64(rng.exponential(mean: 25 * 60))
        let submit = max(earliestSubmit, start - wait)
        let cast = Cast.users[Int(rng.next() % UInt64(Cast.users.count))]
        let names =
            lane.gpusPerNode > 0 ? Cast.gpuNames : lane.memoryPerNodeMB > 400_000 ? Cast.memNames : Cast.cpuNames
        let name = names[Int(rng.next() % UInt64(names.count))]
        let minute = Int((submit - epoch) / 60)
        let id = 1000 + minute * idStride + lane.index

        var reason = "Priority"
        var dependency: String?
        var heldUntil: Int64?
        let reasonDraw = rng.unit()
        if submit < cursor.previousEnd {
            if reasonDraw < 0.15, let previous = cursor.previousID {
                reason = "Dependency"
                dependency = "afterok:\(previous)(unfulfilled)"
            } else {
                reason = reasonDraw < 0.7 ? "Resources" : "Priority"
            }
        } else {
            switch reasonDraw {
            case ..<0.45: reason = "Priority"
            case ..<0.65: reason = "QOSMaxJobsPerUserLimit"
            case ..<0.80: reason = "AssocGrpCPURunMinutesLimit"
            case ..<0.90: reason = "BeginTime"
            default:
                reason = "JobHeldUser"
                heldUntil = submit + (start - submit) * 3 / 4
            }
        }
        return SimJob(
            id: id, lane: lane.index, name: name, user: cast.user, account: cast.account, submit: submit,
            start: start, end: end, timeLimit: limit, finalState: state, exitCode: exitCode, signal: signal,
            cancelledPending: cancelledPending, pendingReason: reason, dependency: dependency, heldUntil: heldUntil
        )
    }

    /// Working hours in the head node's zone on weekdays: jobs arrive four times as often.
    func isBusyHour(_ t: Int64) -> Bool {
        let local = t + Int64(clock.utcOffset)
        let hour = floorMod(local, 86_400) / 3600
        let weekday = (floorMod(local / 86_400, 7) + 4) % 7
        return weekday != 0 && weekday != 6 && hour >= 8 && hour < 20
    }
}
