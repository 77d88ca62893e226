// A libFuzzer target for what the cluster prints: every parser of SlurmKit fed bytes the head node (or whoever
// controls its output) could send. The first byte picks the parser, the rest is its text. Any trap, overflow or
// broken invariant is a crash the fuzzer reports. `scripts/fuzz slurm` builds and runs it, seeded from the
// fixtures; built without the fuzzer (`swift build`), it replays the files and folders named on its command line.
import Foundation
import SlurmKit

let clock = SlurmClock(utcOffset: 3600)

func run(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    switch selector % 8 {
    case 0:
        for node in NodeParser.parse(text, clock: clock) {
            precondition(node.cpusFree >= 0 && node.gpusFree >= 0 && node.memoryUnallocatedMB >= 0)
            _ = (node.state.category, node.state.power, node.state.acceptsNewJobs, node.state.isReadyOnDemand)
        }
    case 1:
        for partition in PartitionParser.parse(text) { _ = (partition.nodes.count, partition.nodeListError) }
    case 2:
        for job in JobParser.parse(text, clock: clock).jobs {
            precondition(job.taskCount >= 1)
            _ = (job.gpus, job.homePartition, job.arrayThrottle)
        }
    case 3:
        _ = AccountingParser.parse(text, clock: clock)
    case 4:
        // Host lists: an expansion into node names (Slurm's characters) compresses back to the same names.
        if let names = try? Hostlist.expand(text, limit: 10_000), names.allSatisfy(SlurmName.isValid) {
            let again = try? Hostlist.expand(Hostlist.compress(names), limit: 10_000)
            precondition(again.map(Set.init) == Set(names), "compress lost names of \(text.prefix(200))")
        }
    case 5:
        _ = try? SnapshotParser.parse(stdout: text, stderr: "", nonce: "fuzz0", fallbackTime: 0)
    case 6:
        _ = (Gres.parseList(text).gpuCount, TRES.parse(text), JobTRESParser.parse(Substring(text)).count)
        _ = (MemorySize.megabytes(text), SlurmDuration(parsing: text).seconds, JobReason(parsing: text).code)
    default:
        _ = ArrayTasks.count(text)
        let submission = JobSubmission(script: "#!/bin/sh\n" + text, name: String(text.prefix(70)), array: text)
        if let command = try? submission.command(testOnly: true) {
            // Whatever passed the checks is words a shell reads as words: nothing but these characters.
            let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -=_.,:%")
            precondition(command.allSatisfy(safe.contains), "unsafe command line: \(command)")
        }
    }
}

/// libFuzzer's own `main` (linked whole, though SwiftPM's `main` for this file takes its place) names this.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSlurm(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
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
    exit(runFuzzerDriver(&argc, &argv) { data, count in fuzzSlurm(data, count) })
#else
    for path in CommandLine.arguments.dropFirst() {
        let files =
            (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.map { path + "/" + $0 } } ?? [path]
        for file in files.sorted() {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            run(Array(data))
        }
        print("slurm-fuzz: replayed \(files.count) input(s) from \(path)")
    }
#endif
