internal import CSodium

/// libsodium's one-time setup, done before the first use from whichever thread gets there first.
enum Sodium {
    private static let ready: Bool = sodium_init() >= 0

    static func initialize() {
        precondition(ready, "sodium_init failed")
    }
}
