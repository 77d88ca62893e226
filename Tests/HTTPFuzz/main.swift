// A libFuzzer target for what faces the network: bytes a client might send, cut into reads every possible way and
// fed through the connection state machine (and so the request parser), with the loop's part played here. Any
// trap, overflow or broken invariant is a crash the fuzzer reports. `scripts/fuzz http` builds and runs it; built
// without the fuzzer (`swift build`), it replays the files and folders named on its command line, for regressions.
import Foundation

@testable import HTTPServer

/// Small limits, so inputs the fuzzer finds reach them.
let limits = HTTPRequestParser.Limits(headerBytes: 2048, headerCount: 20, bodyBytes: 8192)
let timeouts = ConnectionStateMachine.Timeouts(
    firstByte: .seconds(1), header: .seconds(2), body: .seconds(3), idle: .seconds(4), write: .seconds(5),
    linger: .seconds(6))

/// One input. Its first byte sets the read sizes (1 to 64 bytes, varying along the input), its second how often a
/// deadline passes; the rest is what the client sends.
func run(_ input: [UInt8]) {
    guard input.count >= 2 else { return }
    let cut = Int(input[0])
    let ticks = Int(input[1])
    let bytes = input[2...]
    var now = ContinuousClock.Instant.now
    var machine = ConnectionStateMachine(limits: limits, timeouts: timeouts, now: now)
    var closed = false
    var handling = false
    var requests = 0

    func carryOut(_ actions: [ConnectionStateMachine.Action]) {
        precondition(!closed || actions.isEmpty, "actions after close: \(actions)")
        for action in actions {
            switch action {
            case .dispatch(let request):
                precondition(!handling, "a second request dispatched while one is handled")
                precondition(request.body.count <= limits.bodyBytes, "a body over the limit")
                requests += 1
                handling = true
                // Answer some requests at once; leave others for the peer to walk away from.
                if requests % 5 != 0 {
                    handling = false
                    carryOut(machine.responseReady(.text(.ok, "ok"), now: now))
                }
            case .write, .send:
                carryOut(machine.writeFlushed(now: now))
            case .cancelResponder:
                precondition(handling, "a cancel with nothing being handled")
                handling = false
            case .close:
                closed = true
            case .watchRead, .shutdownWrite, .note:
                break
            }
        }
    }

    var offset = bytes.startIndex
    var step = 0
    while offset < bytes.endIndex && !closed {
        let size = 1 + (cut &* (step &+ 1)) % 64
        let piece = bytes[offset..<min(bytes.endIndex, offset + size)]
        offset += piece.count
        step += 1
        carryOut(machine.bytesRead(piece, now: now))
        if ticks > 0 && step % ticks == 0 {
            now = now + .seconds(ticks % 8)
            if let deadline = machine.deadline, deadline <= now { carryOut(machine.deadlineReached(now: now)) }
        }
    }
    if handling {
        handling = false
        carryOut(machine.responseReady(.text(.ok, "late"), now: now))
    }
    carryOut(machine.stop())
    carryOut(machine.peerGone())
    precondition(closed || machine.phase != .closed)
}

/// libFuzzer's own `main` (linked whole, though SwiftPM's `main` for this file takes its place) names this.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    run(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
    return 0
}

#if FUZZING
    /// libFuzzer's entry for programs with a `main` of their own (this file's top-level code is one).
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(
        runFuzzerDriver(&argc, &argv) { data, count in fuzzHTTP(data, count) })
#else
    for path in CommandLine.arguments.dropFirst() {
        let files =
            (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.map { path + "/" + $0 } } ?? [path]
        for file in files.sorted() {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            run(Array(data))
        }
        print("http-fuzz: replayed \(files.count) input(s) from \(path)")
    }
#endif
