public import SlurmKit

extension SimulatedCluster {
    /// Prints the state the way Slurm 22.05 prints it, field for field, so the real parsers read it.
    func render(_ state: SimState) -> [PollScript.Section: PollScript.SectionOutput] {
        let text = SlurmText(clock: clock)
        return [
            .meta: .init(text: "now=\(state.time)\nutc_offset=+0100\nhost=head\nversion=slurm 22.05.8\n"),
            .nodes: .init(text: state.nodes.map(text.nodeLine).joined()),
            .partitions: .init(text: state.partitions.map(text.partitionLine).joined()),
            .jobs: .init(text: state.jobs.map(text.jobLine).joined()),
            .accounting: .init(text: state.accounting.map(text.accountingLine).joined()),
        ]
    }
}

/// Models printed back as Slurm 22.05 prints them: `scontrol -o -d show node`, `scontrol -o show partition`,
/// slurmbot's squeue format and its sacct format. The simulated cluster and the benchmarks use it.
public struct SlurmText: Sendable {
    public let clock: SlurmClock

    public init(clock: SlurmClock) {
        self.clock = clock
    }

    public func nodeLine(_ node: Node) -> String {
        let time = { (value: Int64?) in value.map(self.clock.format) ?? "None" }
        let gres = node.gres.isEmpty ? "(null)" : node.gres.map(\.description).joined(separator: ",")
        var line =
            "NodeName=\(node.name) Arch=x86_64 CoresPerSocket=\(node.cpusTotal / 2)  CPUAlloc=\(node.cpusAllocated)"
        line += " CPUEfctv=\(node.cpusEffective) CPUTot=\(node.cpusTotal)"
        line += " CPULoad=\(node.cpuLoad.map { String($0) } ?? "N/A")"
        line += " AvailableFeatures=\(node.features.joined(separator: ","))"
        line += " ActiveFeatures=\(node.activeFeatures.joined(separator: ","))"
        line += " Gres=\(gres)"
        if let used = node.gresUsed {
            line += " GresDrain=N/A GresUsed=\(used.map(\.description).joined(separator: ","))"
        }
        line +=
            " NodeAddr=\(node.name) NodeHostName=\(node.name) Version=22.05.8 OS=\(node.operatingSystem ?? "Linux") "
        line += " RealMemory=\(node.memoryMB) AllocMem=\(node.memoryAllocatedMB)"
        line += " FreeMem=\(node.memoryFreeMB.map { String($0) } ?? "N/A") Sockets=2 Boards=1 State=\(node.state)"
        line += " ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A"
        line += " Partitions=\(node.partitions.joined(separator: ",")) "
        line += " BootTime=\(time(node.bootTime)) SlurmdStartTime=\(time(node.bootTime))"
        line += " LastBusyTime=\(time(node.lastBusy))"
        var cfg = "cpu=\(node.cpusTotal),mem=\(node.memoryMB)M,billing=\(node.cpusTotal)"
        if node.gpusTotal > 0 { cfg += ",gres/gpu=\(node.gpusTotal)" }
        var alloc = node.cpusAllocated > 0 ? "cpu=\(node.cpusAllocated),mem=\(node.memoryAllocatedMB)M" : ""
        if node.gpusUsed > 0 { alloc += ",gres/gpu=\(node.gpusUsed)" }
        line += " CfgTRES=\(cfg) AllocTRES=\(alloc) CapWatts=n/a CurrentWatts=0 AveWatts=0"
        line += " ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s"
        if let reason = node.reason {
            line += " Reason=\(reason.text) [\(reason.user ?? "root")@\(time(reason.time))]"
        }
        return line + "\n"
    }

    public func partitionLine(_ partition: Partition) -> String {
        let tres = ["cpu", "mem", "node", "billing", "gres/gpu"].compactMap { key in
            partition.tres[key].map { "\(key)=\($0)" }
        }.joined(separator: ",")
        var line = "PartitionName=\(partition.name) AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL AllocNodes=ALL"
        line +=
            " Default=\(partition.isDefault ? "YES" : "NO") QoS=N/A DefaultTime=\(partition.defaultTime?.description ?? "NONE")"
        line +=
            " DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO MaxNodes=UNLIMITED MaxTime=\(partition.maxTime)"
        line += " MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED Nodes=\(partition.nodeList) PriorityJobFactor=1"
        line += " PriorityTier=\(partition.priorityTier) RootOnly=NO ReqResv=NO OverSubscribe=NO OverTimeLimit=NONE"
        line +=
            " PreemptMode=OFF State=\(partition.state) TotalCPUs=\(partition.totalCPUs) TotalNodes=\(partition.totalNodes)"
        line +=
            " SelectTypeParameters=NONE JobDefaults=(null) DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED TRES=\(tres)"
        return line + "\n"
    }

    public func jobLine(_ job: Job) -> String {
        let time = { (value: Int64?) in value.map(self.clock.format) ?? "N/A" }
        let gres = job.gres.isEmpty ? "N/A" : job.gres.map { "gres:" + $0.description }.joined(separator: ",")
        let fields: [String] = [
            job.displayID, String(job.jobID), String(job.arrayJobID ?? job.jobID), job.arrayTask ?? "N/A", job.user,
            job.account ?? "(null)", job.partition, job.qos ?? "normal", job.state.rawValue, job.reason.raw,
            job.elapsed.description, job.timeLimit.description, job.timeLeft.description, String(job.nodeCount),
            String(job.cpus), job.memoryMB.map { "\($0)M" } ?? "0", gres, job.nodeList ?? "",
            time(job.submitTime), time(job.startTime), time(job.endTime), String(job.priority ?? 0),
            job.dependency ?? "(null)", job.reservation ?? "(null)", job.name,
        ]
        return fields.joined(separator: "|") + "\n"
    }

    public func accountingLine(_ record: AccountingRecord) -> String {
        let end = record.endTime.map(clock.format) ?? "Unknown"
        let elapsed = record.elapsed.seconds.map(clockElapsed) ?? "00:00:00"
        let codes = "\(record.exitCode ?? 0):\(record.signal ?? 0)"
        var text = "\(record.jobID)|\(record.displayID)|\(record.state.rawValue)|\(codes)|\(elapsed)|\(end)|\n"
        if let peak = record.peakMemoryMB {
            text +=
                "\(record.jobID).batch|\(record.displayID).batch|\(record.state.rawValue)|\(codes)|\(elapsed)|\(end)|\(peak * 1024)K\n"
        }
        return text
    }

    func clockElapsed(_ seconds: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let days = seconds / 86_400
        let clock = "\(two(seconds / 3600 % 24)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        return days > 0 ? "\(days)-\(clock)" : clock
    }
}
