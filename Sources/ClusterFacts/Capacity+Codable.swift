import Foundation

/// The capacity table packed for the store: node names and partition lists as JSON, the numbers as zigzag
/// LEB128 varints in one byte string (base64 in JSON), release times relative to the earliest. A 10,000-node cluster with
/// 50,000 jobs packs into a few hundred kilobytes that encode and decode in about a millisecond; the same as JSON
/// objects took tens of milliseconds each way.
extension Capacity: Codable {
    private enum Keys: String, CodingKey {
        case names, partitionSets, base, packed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let base = nodes.lazy.flatMap(\.releases).map(\.at).min() ?? 0
        var packer = VarintPacker()
        for node in nodes {
            packer.append(node.partitionSet)
            // 2: ready on demand. Facts written before it read as not accepting jobs, as they were counted.
            packer.append(node.acceptsNewJobs ? 1 : node.readyOnDemand ? 2 : 0)
            for resources in [node.free, node.size] { packer.append(resources) }
            packer.append(node.releases.count)
            for release in node.releases {
                packer.append(release.at - base)
                packer.append(release.freed)
            }
        }
        try container.encode(nodes.map(\.name), forKey: .names)
        try container.encode(partitionSets, forKey: .partitionSets)
        try container.encode(base, forKey: .base)
        try container.encode(Data(packer.bytes), forKey: .packed)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let names = try container.decode([String].self, forKey: .names)
        let sets = try container.decode([[String]].self, forKey: .partitionSets)
        let base = try container.decode(Int64.self, forKey: .base)
        var reader = VarintReader([UInt8](try container.decode(Data.self, forKey: .packed)))
        func corrupt() -> DecodingError {
            .dataCorruptedError(forKey: .packed, in: container, debugDescription: "the packed numbers end early")
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(names.count)
        for name in names {
            guard let set = reader.next(), sets.indices.contains(set), let accepts = reader.next(),
                let free = reader.resources(), let size = reader.resources(), let count = reader.next(), count >= 0
            else { throw corrupt() }
            var releases: [Release] = []
            releases.reserveCapacity(count)
            for _ in 0..<count {
                guard let at = reader.next(), let freed = reader.resources() else { throw corrupt() }
                releases.append(Release(at: base + Int64(at), freed: freed))
            }
            nodes.append(
                Node(
                    name: name, partitions: sets[set], partitionSet: set, acceptsNewJobs: accepts == 1, free: free,
                    size: size, releases: releases, readyOnDemand: accepts == 2))
        }
        guard reader.atEnd else { throw corrupt() }
        self.nodes = nodes
        self.partitionSets = sets
    }
}
