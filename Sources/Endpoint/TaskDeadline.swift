import Synchronization

/// The value of `task` if it finishes within `limit`, else nil at `limit` while the task goes on; nil at once when
/// the caller is cancelled.
///
/// A task group cannot do this: it waits for all its children, and cancelling the child that awaits `task.value`
/// does not end that wait (an unstructured task is not cancelled with it), so the deadline used to pass only when
/// the handler was done. Here a continuation is resumed by whichever comes first: the value, the timer or the
/// caller's cancellation; the others find it resumed and do nothing.
func value<T: Sendable>(of task: Task<T, Never>, within limit: Duration) async -> T? {
    let race = Race<T>()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            race.arm(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                race.finish(nil)
            }
            Task {
                let value = await task.value
                race.finish(value)
                timer.cancel()
            }
        }
    } onCancel: {
        race.finish(nil)
    }
}

/// One continuation, resumed once, with the first result offered (one offered before it was armed included).
private final class Race<T: Sendable>: Sendable {
    private enum State {
        case waiting
        case armed(CheckedContinuation<T?, Never>)
        case finishedEarly(T?)
        case done
    }

    private let state = Mutex<State>(.waiting)

    func arm(_ continuation: CheckedContinuation<T?, Never>) {
        let early: T?? = state.withLock { state in
            if case .finishedEarly(let value) = state {
                state = .done
                return .some(value)
            }
            state = .armed(continuation)
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func finish(_ value: T?) {
        let continuation: CheckedContinuation<T?, Never>? = state.withLock { state in
            switch state {
            case .waiting:
                state = .finishedEarly(value)
                return nil
            case .armed(let continuation):
                state = .done
                return continuation
            case .finishedEarly, .done:
                return nil
            }
        }
        continuation?.resume(returning: value)
    }
}
