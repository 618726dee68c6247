// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "runbook",
  // Linux only: the code calls Glibc directly (open, write, renameat2, flock, inotify), and CI
  // and every developer machine are Debian. No Apple platform is claimed.
  products: [
    .executable(name: "runbook", targets: ["runbook"]),
    .library(name: "RunbookKit", targets: ["RunbookKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
  ],
  targets: [
    // Debian's libcmark-dev, found through pkg-config (its name there is `libcmark`).
    .systemLibrary(
      name: "Ccmark",
      pkgConfig: "libcmark",
      providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]
    ),
    // Debian's libssl-dev, for SHA-256 only: a step's identity in the run record is the hash of
    // its source (issue #14). libcrypto is on every Debian machine; swift-crypto would build
    // BoringSSL from source on every clean build.
    .systemLibrary(
      name: "CCrypto",
      pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"]), .brew(["openssl"])]
    ),
    // The whole pipeline: everything a test can reach without starting a process.
    .target(
      name: "RunbookKit",
      dependencies: [
        "Ccmark",
        "CCrypto",
        "Yams",
        .product(name: "Mustache", package: "swift-mustache"),
      ]
    ),
    // The shared run record of `runbook serve` (issue #14): an append-only event log per
    // deployment in SQLite, through GRDB. Its own target, so that RunbookKit's tests never build
    // GRDB; what an event is and how a record file reads lives in RunbookKit/Record.
    .target(
      name: "RunbookRecord",
      dependencies: [
        "RunbookKit",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    // `runbook serve`'s HTTP server on SwiftNIO: a target of its own, so that RunbookKit and its
    // tests never build NIO. What it serves is decided in RunbookKit/Serve, without NIO.
    .target(
      name: "RunbookServe",
      dependencies: [
        "RunbookKit",
        "RunbookRecord",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]
    ),
    // The command: parses arguments and reports diagnostics, nothing more.
    .executableTarget(
      name: "runbook",
      dependencies: [
        "RunbookKit",
        "RunbookServe",
        "RunbookRecord",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The benchmark the README names: whole processes, timed and measured from outside.
    .executableTarget(
      name: "runbook-bench",
      dependencies: ["RunbookTestSupport"],
      path: "Benchmarks/RunbookBench"
    ),
    // libFuzzer targets (issue #13): scripts/fuzz builds each with -sanitize=fuzzer,address; a
    // plain build makes them replay the files they are given once.
    .target(
      name: "FuzzSupport",
      path: "Fuzz/FuzzSupport"
    ),
    .executableTarget(
      name: "MarkdownFuzz",
      dependencies: ["RunbookKit", "FuzzSupport"],
      path: "Fuzz/MarkdownFuzz"
    ),
    .executableTarget(
      name: "DeploymentFuzz",
      dependencies: ["RunbookKit", "FuzzSupport"],
      path: "Fuzz/DeploymentFuzz"
    ),
    // What several test targets and the benchmark share: a raw HTTP client on 127.0.0.1, a
    // copy of the project's runbook to change, and tool lookup.
    .target(
      name: "RunbookTestSupport",
      path: "Tests/RunbookTestSupport"
    ),
    .testTarget(
      name: "RunbookKitTests",
      dependencies: ["RunbookKit", "RunbookTestSupport"]
    ),
    // Runs the built `runbook` binary, so it depends on the executable to have it built.
    .testTarget(
      name: "RunbookCLITests",
      dependencies: ["runbook", "RunbookTestSupport"]
    ),
    // The live server: one test on an ephemeral port, and SIGINT.
    .testTarget(
      name: "RunbookServeTests",
      dependencies: [
        "RunbookServe", "RunbookKit", "RunbookRecord", "RunbookTestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
