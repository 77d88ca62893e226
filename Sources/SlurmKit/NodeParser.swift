/// Reads `scontrol -o show node` (with or without `-d`) into nodes.
public enum NodeParser {
    /// Parses every `NodeName=` line; other lines (blank, stderr noise) are skipped.
    ///
    /// A line that names no node is ignored; a field Slurm leaves out stays at its neutral value. Nothing here throws:
    /// odd output degrades one field, never the poll. States, GRES and list fields repeat across thousands of nodes,
    /// so each distinct text is parsed once per call.
    public static func parse(_ text: Substring, clock: SlurmClock) -> [Node] {
        let all = lines(text)
        var nodes: [Node] = []
        nodes.reserveCapacity(all.count)
        var cache = Cache()
        var record = ScontrolRecord()
        for line in all {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.bytesHavePrefix("NodeName=") else { continue }
            record.load(trimmed)
            if let node = parse(record, clock: clock, cache: &cache) { nodes.append(node) }
        }
        return nodes
    }

    public static func parse(_ text: String, clock: SlurmClock) -> [Node] {
        parse(Substring(text), clock: clock)
    }

    public static func parse(line: Substring, clock: SlurmClock) -> Node? {
        var cache = Cache()
        return parse(ScontrolRecord(line: line), clock: clock, cache: &cache)
    }

    struct Cache {
        var states = Memo<NodeState>()
        var gres = Memo<[Gres]>()
        var lists = Memo<[String]>()
        var strings = Memo<String>()

        mutating func list(_ text: Substring?) -> [String] {
            guard let text, !text.isSlurmNothing else { return [] }
            return lists.value(text) { $0.split(separator: ",").map(String.init) }
        }
    }

    static func parse(_ record: ScontrolRecord, clock: SlurmClock, cache: inout Cache) -> Node? {
        guard let name = record.present("NodeName") else { return nil }
        let cpusTotal = record.int("CPUTot") ?? 0
        // AllocTRES is read only for what older output lacks: GPUs in use without -d, memory without AllocMem.
        var allocTRES: [String: String] { record["AllocTRES"].map { TRES.parse($0) } ?? [:] }
        let gres = cache.gres.value(record["Gres"] ?? "") { Gres.parseList($0) }
        let gresUsed = record["GresUsed"].map { cache.gres.value($0) { Gres.parseList($0) } }
        let gpusUsed = gresUsed.map(\.gpuCount) ?? (gres.isEmpty ? 0 : TRES.gpus(allocTRES))
        let load: Double? = record.present("CPULoad").flatMap { Double($0) }
        return Node(
            name: String(name),
            state: cache.states.value(record["State"] ?? "UNKNOWN") { NodeState(parsing: $0) },
            cpusAllocated: record.int("CPUAlloc") ?? 0,
            cpusTotal: cpusTotal,
            cpusEffective: record.int("CPUEfctv") ?? cpusTotal,
            cpuLoad: load,
            memoryMB: record.int("RealMemory") ?? 0,
            memoryAllocatedMB: record.int("AllocMem") ?? allocTRES["mem"].flatMap(MemorySize.megabytes) ?? 0,
            memoryFreeMB: record.int("FreeMem"),
            gres: gres,
            gresUsed: gresUsed,
            gpusUsed: gpusUsed,
            features: cache.list(record["AvailableFeatures"]),
            activeFeatures: cache.list(record["ActiveFeatures"]),
            partitions: cache.list(record["Partitions"]),
            reason: record.present("Reason").map { NodeReason(parsing: String($0), clock: clock) },
            lastBusy: record["LastBusyTime"].flatMap { clock.seconds($0) },
            bootTime: record["BootTime"].flatMap { clock.seconds($0) },
            architecture: record.present("Arch").map { cache.strings.value($0, String.init) },
            operatingSystem: record.present("OS").map { cache.strings.value($0, String.init) },
            slurmVersion: record.present("Version").map { cache.strings.value($0, String.init) }
        )
    }
}
