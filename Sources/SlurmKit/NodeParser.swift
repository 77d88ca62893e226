/// Reads `scontrol -o show node` (with or without `-d`) into nodes.
public enum NodeParser {
    /// Parses every `NodeName=` line; other lines (blank, stderr noise) are skipped.
    ///
    /// A line that names no node is ignored; a field Slurm leaves out stays at its neutral value. Nothing here throws:
    /// odd output degrades one field, never the poll.
    public static func parse(_ text: Substring, clock: SlurmClock) -> [Node] {
        var nodes: [Node] = []
        for line in lines(text) {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("NodeName=") else { continue }
            if let node = parse(line: trimmed, clock: clock) { nodes.append(node) }
        }
        return nodes
    }

    public static func parse(line: Substring, clock: SlurmClock) -> Node? {
        let record = ScontrolRecord(line: line)
        guard let name = record.present("NodeName") else { return nil }
        let cpusTotal = record.int("CPUTot") ?? 0
        let allocTRES = TRES.parse(record["AllocTRES"] ?? "")
        let gres = Gres.parseList(record["Gres"] ?? "")
        let gresUsed = record["GresUsed"].map(Gres.parseList)
        let gpusUsed = gresUsed.map(\.gpuCount) ?? TRES.gpus(allocTRES)
        return Node(
            name: name,
            state: NodeState(parsing: record["State"] ?? "UNKNOWN"),
            cpusAllocated: record.int("CPUAlloc") ?? 0,
            cpusTotal: cpusTotal,
            cpusEffective: record.int("CPUEfctv") ?? cpusTotal,
            cpuLoad: record.present("CPULoad").flatMap(Double.init),
            memoryMB: record.int("RealMemory") ?? 0,
            memoryAllocatedMB: record.int("AllocMem") ?? allocTRES["mem"].flatMap(MemorySize.megabytes) ?? 0,
            memoryFreeMB: record.int("FreeMem"),
            gres: gres,
            gresUsed: gresUsed,
            gpusUsed: gpusUsed,
            features: list(record["AvailableFeatures"]),
            activeFeatures: list(record["ActiveFeatures"]),
            partitions: list(record["Partitions"]),
            reason: record.present("Reason").map { NodeReason(parsing: $0, clock: clock) },
            lastBusy: record["LastBusyTime"].flatMap(clock.seconds),
            bootTime: record["BootTime"].flatMap(clock.seconds),
            architecture: record.present("Arch"),
            operatingSystem: record.present("OS"),
            slurmVersion: record.present("Version")
        )
    }

    public static func parse(_ text: String, clock: SlurmClock) -> [Node] {
        parse(Substring(text), clock: clock)
    }

    static func list(_ text: String?) -> [String] {
        guard let text, text != "(null)", text != "N/A" else { return [] }
        return text.split(separator: ",").map(String.init)
    }
}
