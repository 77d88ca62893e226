/// "1 GPU", "4 GPUs": a count with its noun, singular when it is one.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
