/// "1 GPU", "4 GPUs", "2 watches": a count with its noun, singular when it is one.
func counted(_ count: Int, _ noun: String) -> String {
    let plural = noun.hasSuffix("ch") || noun.hasSuffix("sh") || noun.hasSuffix("s") ? noun + "es" : noun + "s"
    return "\(count) \(count == 1 ? noun : plural)"
}
