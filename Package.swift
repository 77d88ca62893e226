// swift-tools-version: 6.2
import PackageDescription

/// System libraries: a module map and a shim header each, found through pkg-config, installed from Debian.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "slurmbot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "slurmbot-poller", targets: ["slurmbot-poller"]),
        .executable(name: "slurmbot", targets: ["slurmbot"]),
        .executable(name: "slurmbot-server", targets: ["slurmbot-server"]),
        .library(name: "SlurmKit", targets: ["SlurmKit"]),
        .library(name: "Store", targets: ["Store"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        systemLibrary("CSodium", pkgConfig: "libsodium", apt: "libsodium-dev"),
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        systemLibrary("CSSH2", pkgConfig: "libssh2", apt: "libssh2-1-dev"),
        systemLibrary("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        systemLibrary("CCairo", pkgConfig: "cairo", apt: "libcairo2-dev"),
        systemLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),
        // Linux headers Glibc's module leaves out (epoll, pipe2); no library to link.
        .systemLibrary(name: "CLinux"),

        // Threads of our own for blocking work, so it never holds the threads Swift's tasks run on.
        .target(name: "Threads"),
        // Pure: times as a wall clock in a zone shows them, without DateFormatter (charts, embeds, the status).
        .target(name: "WallTime"),
        // Pure: models and parsers for what Slurm prints. No I/O, no C.
        .target(name: "SlurmKit"),
        // Pure: what one snapshot says about the cluster, computed once per poll and read by every summary.
        .target(name: "ClusterFacts", dependencies: ["SlurmKit"]),
        // Pure: a deterministic cluster that prints what the real commands print.
        .target(name: "Simulation", dependencies: ["SlurmKit"]),
        // Pure: OpenSSH known_hosts files, host-key fingerprints and verdicts (trust nothing on first sight).
        .target(name: "KnownHosts", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Pure: the analyst's rules, the compact facts a model is given, the questions it recognises, and the checks
        // that hold a model's words to the facts.
        .target(name: "Analyst", dependencies: ["ClusterFacts", "Reports", "SlurmKit", "WallTime"]),
        // Pure: plain-text views of stored cluster state.
        .target(name: "Reports", dependencies: ["ClusterFacts", "SlurmKit", "WallTime"]),
        // A minimal HTTP/1.1 server on plain sockets: a pure request parser and an epoll event loop.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CLinux", "Threads", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        // An HTTP client on libcurl, for Discord's REST API.
        .target(name: "HTTPClient", dependencies: ["CCurl", "Threads"]),
        // Pure: what Discord sends and what we answer (interactions, messages, embeds, commands) and its limits.
        .target(name: "DiscordModels"),
        // Discord's side of the wire: Ed25519 signature checks (libsodium), the REST client with its rate limits,
        // multipart uploads.
        .target(name: "DiscordAPI", dependencies: ["DiscordModels", "CSodium", "HTTPClient"]),
        // Charts: stacked areas and heatmaps drawn with cairo, as PNG bytes.
        .target(name: "Charts", dependencies: ["CCairo", "CZlib", "Threads", "WallTime"]),
        // The slash commands: handlers reading the store and the facts, the table Discord registers, suggestions,
        // replies (embeds, charts, Refresh buttons).
        .target(
            name: "Commands",
            dependencies: [
                "DiscordModels", "Store", "Reports", "SlurmKit", "Charts", "Alerts", "WallTime", "ClusterFacts",
                "Analyst", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The interactions endpoint: signature checks first, PING, commands answered or deferred and finished
        // through Discord's API, `/healthz`, `/metrics` (swift-metrics, rendered by swift-prometheus).
        .target(
            name: "Endpoint",
            dependencies: [
                "Commands", "ClusterFacts", "DiscordModels", "DiscordAPI", "HTTPServer", "Store", "Analyst",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Discord's REST API on loopback, checking requests as Discord documents them: the tests' stand-in and the
        // demo's.
        .target(
            name: "DiscordFake", dependencies: ["HTTPServer", .product(name: "Logging", package: "swift-log")]),
        // `slurmbot demo`: the real endpoint and poller against the simulated cluster and the fake Discord.
        .target(
            name: "Demo",
            dependencies: [
                "Endpoint", "Commands", "Poller", "SlurmbotSettings", "SimulatedRunner", "DiscordFake", "Analyst",
                "AnalystModels", "AnalystFake",
                "DiscordModels", "DiscordAPI", "HTTPClient", "HTTPServer", "Store", "SlurmKit",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The analyst's language models: Gemini's REST API and any OpenAI-compatible server, over libcurl, with
        // retries, deadlines and the checks that fall back to the built-in analyst.
        .target(
            name: "AnalystModels",
            dependencies: [
                "Analyst", "ClusterFacts", "HTTPClient", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        // Gemini's and the OpenAI chat API on loopback, as documented: the tests' stand-ins and the demo's.
        .target(
            name: "AnalystFake", dependencies: ["HTTPServer", "Analyst", .product(name: "Logging", package: "swift-log")]),
        // The MCP server: agents read the cluster's facts and the store through tools, resources and a prompt, over
        // stdio (`slurmbot mcp`) or Streamable HTTP at `/mcp` on the endpoint; arguments checked before any read.
        .target(
            name: "MCPServer",
            dependencies: [
                "Commands", "Store", "ClusterFacts", "SlurmKit", "Reports", "Alerts", "WallTime", "HTTPServer", "Remote",
                .product(name: "MCP", package: "swift-sdk"), .product(name: "Logging", package: "swift-log"),
            ]),
        // SQLite history of the cluster.
        .target(name: "Store", dependencies: ["CSQLite", "ClusterFacts", "SlurmKit", "Threads"]),
        // Where the poll command runs: the head node over SSH (libssh2, through a bastion), this machine, fixture
        // files.
        .target(
            name: "Remote",
            dependencies: [
                "CSSH2", "CLinux", "KnownHosts", "SlurmKit", "Threads",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The simulated cluster as a place the poll command runs, on a clock of its own (the demo, backfills).
        .target(name: "SimulatedRunner", dependencies: ["Remote", "Simulation", "SlurmKit", "Threads"]),
        // What alerts say: job ends, verdicts, array summaries; data in, Discord messages out.
        .target(name: "Alerts", dependencies: ["SlurmKit", "DiscordModels", "WallTime"]),
        // Settings from the environment and `.env`, checked with messages that name the setting: what each binary
        // reads, and the SSH and node-probe configuration built from it.
        .target(
            name: "SlurmbotSettings",
            dependencies: [
                "Remote", "Analyst", "AnalystModels", .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // One poll: run, parse, store and queue alerts in one transaction, then deliver them; record failures.
        .target(
            name: "Poller",
            dependencies: [
                "SlurmbotSettings", "Remote", "SimulatedRunner", "Store", "SlurmKit", "Alerts", "DiscordModels",
                "DiscordAPI", "Analyst", "ClusterFacts", "WallTime",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "slurmbot-poller",
            dependencies: [
                "Poller", "SlurmbotSettings", "SimulatedRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "slurmbot-server",
            dependencies: [
                "Endpoint", "MCPServer", "SlurmbotSettings", "DiscordModels", "DiscordAPI", "HTTPServer", "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "slurmbot",
            dependencies: [
                "Poller", "SlurmbotSettings", "Commands", "Demo", "DiscordModels", "DiscordAPI", "Store", "Remote",
                "Analyst", "AnalystModels", "AnalystFake", "MCPServer",
                "SimulatedRunner",
                "KnownHosts", "SlurmKit", "Reports", "HTTPClient", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Test support: a writer that the store tests kill with SIGKILL in the middle of a transaction.
        .executableTarget(
            name: "store-crash-writer", dependencies: ["Store", "SlurmKit", "Simulation"],
            path: "Tests/StoreCrashWriter"
        ),
        .executableTarget(
            name: "slurmbot-bench",
            dependencies: [
                "SlurmKit", "Simulation", "Store", "Poller", "SlurmbotSettings", "Remote", "SimulatedRunner",
                "DiscordModels", "DiscordAPI", "Endpoint", "Commands", "Charts", "CSodium", "ClusterFacts",
                "FixtureSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/Sources"
        ),

        // libFuzzer target for the request parser through the connection state machine (scripts/fuzz http).
        .executableTarget(name: "http-fuzz", dependencies: ["HTTPServer"], path: "Tests/HTTPFuzz"),
        // libFuzzer target for the Slurm parsers: nodes, partitions, jobs, accounting, host lists (scripts/fuzz slurm).
        .executableTarget(name: "slurm-fuzz", dependencies: ["SlurmKit"], path: "Tests/SlurmFuzz"),
        .target(name: "FixtureSupport", dependencies: ["SlurmKit", "Threads"], path: "Tests/FixtureSupport"),
        .testTarget(name: "SlurmKitTests", dependencies: ["SlurmKit", "FixtureSupport"]),
        .testTarget(
            name: "ClusterFactsTests",
            dependencies: [
                "ClusterFacts", "SlurmKit", "Simulation", "Store", "Reports", "FixtureSupport", "Threads", "Analyst",
            ]),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts", "SlurmKit", "DiscordModels"]),
        .testTarget(
            name: "AnalystTests",
            dependencies: [
                "Analyst", "AnalystModels", "AnalystFake", "ClusterFacts", "Simulation", "SlurmKit", "HTTPClient", "HTTPServer", "Threads",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "BotTests",
            dependencies: [
                "Endpoint", "Commands", "Demo", "DiscordModels", "DiscordAPI", "DiscordFake", "HTTPServer",
                "HTTPClient",
                "Poller", "Remote",
                "SimulatedRunner", "Store",
                "FixtureSupport",
                "Charts", "Simulation", "SlurmKit", "WallTime", "ClusterFacts", "Analyst", "AnalystModels",
                "AnalystFake", "MCPServer", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "FixtureSupport"]),
        .testTarget(
            name: "DiscordTests",
            dependencies: ["DiscordModels", "DiscordAPI", "DiscordFake", "HTTPServer", "FixtureSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "HTTPServer"]),
        .testTarget(name: "ThreadsTests", dependencies: ["Threads"]),
        .testTarget(name: "WallTimeTests", dependencies: ["WallTime"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "FixtureSupport", "Threads"]),
        .testTarget(name: "KnownHostsTests", dependencies: ["KnownHosts", "FixtureSupport"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "SlurmKit"]),
        .testTarget(
            name: "StoreTests", dependencies: ["Store", "ClusterFacts", "SlurmKit", "Simulation", "FixtureSupport"]),
        .testTarget(
            name: "LabTests",
            dependencies: [
                "Poller", "SlurmbotSettings", "Remote", "Store", "SlurmKit", "KnownHosts", "FixtureSupport",
                "DiscordModels", "DiscordAPI", "DiscordFake",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PollerTests",
            dependencies: [
                "Poller", "SlurmbotSettings", "Remote", "SimulatedRunner", "Store", "Reports", "SlurmKit", "Simulation",
                "FixtureSupport", "Threads", "Alerts", "DiscordModels", "DiscordAPI",
                "ClusterFacts", "Analyst", "AnalystModels",
                "DiscordFake", .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// The same strictness for every target we compile, set in one place.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .swiftLanguageMode(.v6),
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .treatAllWarnings(as: .error),
        ]
}
