import MCP
import Store

/// The status of each cluster, and each node, as resources an agent (or its user) can attach: the same JSON as
/// `cluster_status` and `get_node`.
extension ClusterTools {
    static let templates = [
        Resource.Template(
            uriTemplate: "slurm://{cluster}/status", name: "cluster-status", title: "Cluster status",
            description: "The cluster now, as cluster_status answers.", mimeType: "application/json"),
        Resource.Template(
            uriTemplate: "slurm://{cluster}/nodes/{node}", name: "node", title: "One node",
            description: "One node now, as get_node answers.", mimeType: "application/json"),
    ]

    /// One status resource per cluster (a cluster's nodes are many: they are reached through the template).
    func resources() async throws -> [Resource] {
        let clusters = try await context.database.read { try $0.clusters() }
        return clusters.map {
            Resource(
                name: "\($0)-status", uri: "slurm://\($0)/status", title: "Cluster \($0) now",
                description: "Nodes, CPUs, GPUs, free capacity and the queue of cluster \($0), with the data's age.",
                mimeType: "application/json")
        }
    }

    /// `slurm://CLUSTER/status` or `slurm://CLUSTER/nodes/NODE`; names are checked as the tools check them.
    func read(_ uri: String) async throws -> Resource.Content {
        let parts = uri.hasPrefix("slurm://") ? uri.dropFirst("slurm://".count).split(separator: "/") : []
        let call: (String, [String: Value])? =
            switch parts.count {
            case 2 where parts[1] == "status": ("cluster_status", ["cluster": .string(String(parts[0]))])
            case 3 where parts[1] == "nodes":
                ("get_node", ["cluster": .string(String(parts[0])), "name": .string(String(parts[2]))])
            default: nil
            }
        guard let (tool, arguments) = call else {
            throw MCPError.invalidParams(
                "Unknown resource \(String(uri.prefix(100))): the resources are slurm://CLUSTER/status and "
                    + "slurm://CLUSTER/nodes/NODE.")
        }
        let result = try await self.call(tool, arguments: arguments)
        guard result.isError != true, let structured = result.structuredContent else {
            let message = result.content.compactMap { content -> String? in
                if case .text(let text, _, _) = content { return text }
                return nil
            }.first
            throw MCPError.invalidParams(message ?? "Resource \(String(uri.prefix(100))) cannot be read.")
        }
        return .text(Self.json(structured), uri: uri, mimeType: "application/json")
    }
}
