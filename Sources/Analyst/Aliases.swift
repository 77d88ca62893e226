/// Stable stand-ins for cluster user names (`SLURMBOT_AI_ANONYMIZE=1`): replaced before any text leaves the site,
/// mapped back in the answer. The same name always gets the same alias for a site (a keyed FNV-1a hash), so a
/// model sees one user as one user across questions, and the alias tells an outsider nothing.
public struct Aliases: Sendable {
    private let key: String
    private var forward: [String: String] = [:]
    private var backward: [String: String] = [:]

    /// - Parameters:
    ///   - users: the names to hide (every user the facts know).
    ///   - key: mixed into the hash, so aliases differ between sites.
    public init(users: some Sequence<String>, key: String) {
        self.key = key
        for user in Set(users).sorted() where !user.isEmpty {
            var alias = Self.alias(for: user, key: key, salt: 0)
            var salt = 1
            while backward[alias] != nil {
                alias = Self.alias(for: user, key: key, salt: salt)
                salt += 1
            }
            forward[user] = alias
            backward[alias] = user
        }
    }

    public func alias(_ user: String) -> String { forward[user] ?? user }

    /// `text` with every known user name, as a whole word, replaced by its alias.
    public func hide(_ text: String) -> String { Self.replaceWords(in: text, forward) }

    /// `text` with every alias replaced by the name it stands for.
    public func reveal(_ text: String) -> String { Self.replaceWords(in: text, backward) }

    static func alias(for user: String, key: String, salt: Int) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (key + "\u{0}" + user + "\u{0}\(salt)").utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash & 0xFF_FFFF, radix: 16)
        return "user-" + String(repeating: "0", count: 6 - hex.count) + hex
    }

    /// Replaces whole words only: `al` in `alice` stays.
    static func replaceWords(in text: String, _ table: [String: String]) -> String {
        guard !table.isEmpty else { return text }
        var output = ""
        var word = ""
        func flush() {
            output += table[word] ?? word
            word = ""
        }
        for character in text {
            if character.isLetter || character.isNumber || character == "_" || character == "-" || character == "." {
                word.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }
}
