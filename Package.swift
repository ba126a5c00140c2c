// swift-tools-version: 6.1
import PackageDescription
#if os(Linux) && canImport(Glibc)
import Glibc
#endif

/// Whether `accord` is linked with its relative relocations packed (DT_RELR):
/// ~53,000 of them in 10 KB instead of 1.3 MB of entries, which the dynamic
/// loader no longer reads at every start (docs/PERFORMANCE.md, "P2: a faster
/// start"). It takes lld (gold cannot pack them; GNU ld can, but then lays the
/// binary out without a read-only-after-relocation segment) and a C library that
/// reads them: glibc 2.36 or later, which such a binary then needs. The check is
/// of this machine, so a cross-build for an older glibc (`--swift-sdk`) sets
/// ACCORD_PACKED_RELOCATIONS=0.
let packedRelocations: Bool = {
    #if os(Linux) && canImport(Glibc)
    if Context.environment["ACCORD_PACKED_RELOCATIONS"] == "0" { return false }
    let path = Context.environment["PATH"] ?? ""
    guard path.split(separator: ":").contains(where: { access("\($0)/ld.lld", X_OK) == 0 }) else { return false }
    var buffer = [CChar](repeating: 0, count: 64)
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &buffer, buffer.count) > 0 else { return false }
    // "glibc 2.36"
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let version = text.split(separator: " ").last?.split(separator: ".").compactMap { Int($0) } ?? []
    guard version.count >= 2 else { return false }
    return (version[0], version[1]) >= (2, 36)
    #else
    return false
    #endif
}()

let package = Package(
    name: "Accord",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "accord", targets: ["accord"]),
        .executable(name: "accord-server", targets: ["accord-server"]),
        .library(name: "AccordLedger", targets: ["AccordLedger"]),
        .library(name: "AccordPresentation", targets: ["AccordPresentation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        // The server (`accord serve`, built as its own executable: see AccordServer).
        // No traits: swift-configuration is not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        // accord-server's HTTP client for the command line (clone, push, pull, sync, --remote).
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        // The system SQLite (Debian: libsqlite3-dev). Only AccordStorage imports it.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(name: "AccordStorage", dependencies: ["CSQLite"]),

        // Carries Migrations/*.sql inside the binary. Its folder holds a symlink
        // to Migrations/, so the files belong to the target and SwiftPM re-plans
        // (and the plugin re-runs) when one is added or edited.
        .target(
            name: "AccordSchema",
            dependencies: ["AccordStorage", .product(name: "Crypto", package: "swift-crypto")],
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .executableTarget(name: "EmbedMigrations"),
        .plugin(
            name: "EmbedMigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedMigrations"]
        ),

        // Streaming RFC 4180 CSV and JSON Lines readers for `accord import`.
        .target(name: "AccordCSV"),

        // RFC 6962 Merkle trees, proofs, and C2SP signed notes; no storage.
        .target(name: "AccordTrust", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),

        .target(
            name: "AccordLedger",
            dependencies: [
                "AccordStorage", "AccordSchema", "AccordTrust", "AccordCSV",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Files on the host that a front end names: atomic writes, refusals to
        // overwrite what is read, key, checkpoint and request files, an
        // import's input, mapping and rejects files.
        .target(name: "AccordFiles", dependencies: ["AccordLedger", "AccordTrust", "AccordCSV"]),
        // What front ends show: rows as table, CSV, TSV, Markdown, JSON and
        // GeoJSON written to a stream they give; the brief (HTML, Markdown, SVG;
        // PDF through headless Chromium); the demo ledger.
        .target(name: "AccordPresentation", dependencies: ["AccordLedger", "AccordFiles", "AccordCSV"]),
        .executableTarget(
            name: "accord",
            dependencies: [
                "AccordLedger", "AccordFiles", "AccordPresentation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Start-up (docs/PERFORMANCE.md, "P2: a faster start"): concrete generic
            // types are reached through their metadata accessors, not by demangling
            // their names (which looks each conformance up by scanning every
            // conformance record of the binary); relative relocations are packed
            // where the C library reads them (`packedRelocations` above).
            swiftSettings: [.unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])],
            linkerSettings: packedRelocations
                ? [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux]))] : []
        ),

        // The HTTP API over one mission ledger. Its own executable, so that the
        // command line does not link NIO and Hummingbird (`accord serve` runs it).
        .target(
            name: "AccordServer",
            dependencies: [
                "AccordLedger", "AccordFiles", "AccordPresentation", "AccordCSV", "AccordTrust",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "accord-server",
            dependencies: [
                "AccordServer", "AccordLedger", "AccordFiles",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        .testTarget(name: "AccordStorageTests", dependencies: ["AccordStorage"]),
        .testTarget(name: "AccordCSVTests", dependencies: ["AccordCSV"]),
        .testTarget(name: "AccordTrustTests", dependencies: ["AccordTrust", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "AccordLedgerTests",
            dependencies: ["AccordLedger", "AccordFiles", "AccordPresentation", "AccordSchema", "AccordStorage", "AccordTrust",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The tamper tests edit ledgers below the library (AccordStorage) and
        // verify signatures and hashes independently (Crypto).
        .testTarget(
            name: "AccordCLITests",
            dependencies: ["AccordLedger", "AccordFiles", "AccordPresentation", "AccordStorage", "AccordTrust",
                           .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["verify_journal.py"]
        ),

        .testTarget(
            name: "AccordServerTests",
            dependencies: [
                "AccordServer", "AccordLedger", "AccordFiles", "AccordPresentation", "AccordStorage", "AccordTrust",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // A writer for the fault suites (Tests/AccordCLITests/Faults): appends in a
        // loop and acknowledges each commit on stdout, so a test can kill it at
        // any moment and know what must have survived. Not a product.
        .executableTarget(
            name: "accord-fault-writer",
            dependencies: ["AccordLedger", "AccordFiles"],
            path: "Tests/AccordFaultWriter"
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets (libFuzzer), only when ACCORD_FUZZ names the toolchain's
// libclang_rt.fuzzer_no_main archive: Fuzz/run.sh sets it and builds in its own
// folder. The modules under test are instrumented; the build tools are not
// (`swift build --sanitize fuzzer` would also link libFuzzer's main into them).
if let fuzzer = Context.environment["ACCORD_FUZZ"] {
    let instrumented: Set<String> = ["AccordCSV", "AccordLedger", "AccordTrust", "AccordStorage"]
    for target in package.targets where instrumented.contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=fuzzer"])]
    }
    let fuzz: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer"])]
    let link: [LinkerSetting] = [.unsafeFlags(["-Xlinker", fuzzer, "-lstdc++"])]
    package.targets += [
        .executableTarget(name: "fuzz-csv", dependencies: ["AccordCSV"], path: "Fuzz/CSV", swiftSettings: fuzz, linkerSettings: link),
        .executableTarget(name: "fuzz-entry", dependencies: ["AccordLedger"], path: "Fuzz/Entry", swiftSettings: fuzz, linkerSettings: link),
    ]
}
