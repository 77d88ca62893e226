/// Every tool, in the order `tools/list` shows them.
enum ToolCatalog {
    static let all: [MCPTool] = [
        StatusTools.status, StatusTools.partitions, NodeTools.list, NodeTools.get, JobTools.list, JobTools.get,
        JobTools.explain, FitTools.find, FitTools.history, JobTools.ends, SubmitTools.plan, SubmitTools.submit,
    ]

    static func named(_ name: String) -> MCPTool? { all.first { $0.name == name } }
}
