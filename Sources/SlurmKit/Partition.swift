/// One partition as `scontrol show partition -o` describes it.
public struct Partition: Sendable, Hashable {
    public var name: String
    /// `UP`, `DOWN`, `DRAIN`, `INACTIVE`, or whatever a newer Slurm prints.
    public var state: String
    public var isDefault: Bool
    /// The host list exactly as Slurm printed it.
    public var nodeList: String
    public var totalCPUs: Int
    public var totalNodes: Int
    public var maxTime: SlurmDuration
    public var defaultTime: SlurmDuration?
    public var qos: String?
    public var priorityTier: Int
    public var tres: [String: String]
    public var hidden: Bool

    public init(
        name: String, state: String = "UP", isDefault: Bool = false, nodeList: String, totalCPUs: Int = 0,
        totalNodes: Int? = nil, maxTime: SlurmDuration = .unlimited, defaultTime: SlurmDuration? = nil,
        qos: String? = nil, priorityTier: Int = 1, tres: [String: String] = [:], hidden: Bool = false
    ) {
        self.name = name
        self.state = state
        self.isDefault = isDefault
        self.nodeList = nodeList
        self.totalCPUs = totalCPUs
        self.totalNodes = totalNodes ?? ((try? Hostlist.expand(nodeList))?.count ?? 0)
        self.maxTime = maxTime
        self.defaultTime = defaultTime
        self.qos = qos
        self.priorityTier = priorityTier
        self.tres = tres
        self.hidden = hidden
    }

    /// The host list expanded; empty when it cannot be read. Computed when asked: a 10,000-node list takes a
    /// millisecond, and most readers of partitions never need it.
    public var nodes: [String] { (try? Hostlist.expand(nodeList)) ?? [] }

    /// Why the host list cannot be read, or nil.
    public var nodeListError: String? {
        do {
            _ = try Hostlist.expand(nodeList)
            return nil
        } catch {
            return error.description
        }
    }

    public var isUp: Bool { state == "UP" }
}

/// Reads `scontrol -o show partition`.
public enum PartitionParser {
    public static func parse(_ text: String) -> [Partition] {
        parse(Substring(text))
    }

    public static func parse(_ text: Substring) -> [Partition] {
        var partitions: [Partition] = []
        for line in lines(text) {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("PartitionName=") else { continue }
            let record = ScontrolRecord(line: trimmed)
            guard let name = record.present("PartitionName") else { continue }
            partitions.append(
                Partition(
                    name: String(name),
                    state: String(record["State"] ?? "UNKNOWN"),
                    isDefault: record["Default"] == "YES",
                    nodeList: String(record.present("Nodes") ?? ""),
                    totalCPUs: record.int("TotalCPUs") ?? 0,
                    totalNodes: record.int("TotalNodes"),
                    maxTime: SlurmDuration(parsing: record["MaxTime"] ?? "UNLIMITED"),
                    defaultTime: record.present("DefaultTime").flatMap {
                        $0 == "NONE" ? nil : SlurmDuration(parsing: $0)
                    },
                    qos: record.present("QoS").map(String.init),
                    priorityTier: record.int("PriorityTier") ?? 1,
                    tres: TRES.parse(record["TRES"] ?? ""),
                    hidden: record["Hidden"] == "YES"
                )
            )
        }
        return partitions
    }
}
