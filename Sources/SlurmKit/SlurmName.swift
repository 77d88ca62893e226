/// The one rule for names that come from users (cluster, partition, node and user names): what Slurm itself
/// would write. Anything that passes is safe to put in a command line word without quoting; anything else is
/// refused before it goes anywhere.
public enum SlurmName {
    /// 1 to 64 ASCII letters, digits, '.', '_' or '-', not starting with '-' (which a command would take for an
    /// option).
    public static func isValid(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.first != UInt8(ascii: "-")
            && text.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                    || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }
}
