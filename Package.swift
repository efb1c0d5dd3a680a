// swift-tools-version: 6.0
import PackageDescription

// Module direction (docs/architecture.md): callhist → CallHistory (the facade) → ArchiveSQLite,
// ArchivePostgres → ArchiveCore → FuseAPI → Curl → CCurl; ArchiveSQLite → SQLite → CSQLite and
// ArchivePostgres → Postgres → CPostgres. The core names no driver: a report or a run that reached
// for SQL's drivers would not compile. Only a driver layer imports its C module, only a backend
// target imports its driver.
let package = Package(
    name: "callhist",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callhist", targets: ["callhist"]),
        .executable(name: "fuse-mock", targets: ["fuse-mock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "Curl", dependencies: ["CCurl"]),
        .target(name: "Postgres", dependencies: ["CPostgres"]),
        .target(name: "FuseAPI", dependencies: ["Curl"]),
        .executableTarget(name: "Embedder"),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["Embedder"]),
        .target(name: "ArchiveCore", dependencies: ["FuseAPI"], plugins: ["EmbedMigrations"]),
        .target(name: "ArchiveSQLite", dependencies: ["ArchiveCore", "SQLite"]),
        .target(name: "ArchivePostgres", dependencies: ["ArchiveCore", "Postgres"]),
        .target(name: "CallHistory", dependencies: ["ArchiveCore", "ArchiveSQLite", "ArchivePostgres"]),
        .executableTarget(
            name: "callhist",
            dependencies: [
                "CallHistory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(
            name: "FuseMock",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "fuse-mock",
            dependencies: [
                "FuseMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "fuse-bench",
            dependencies: [
                "FuseAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "FuseMock"]),
        .testTarget(name: "FuseAPITests", dependencies: ["FuseAPI", "FuseMock", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "CallHistoryTests",
            dependencies: ["CallHistory", "ArchiveCore", "ArchiveSQLite", "ArchivePostgres", "SQLite", "Postgres", "FuseAPI", "TestSupport"]),
        .testTarget(name: "FuseMockTests", dependencies: ["FuseMock"]),
        .testTarget(name: "callhistTests", dependencies: ["callhist", "fuse-mock", "FuseMock", "SQLite", "Postgres", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// The whole-pipeline fuzz target links only with -sanitize=fuzzer: declared
// when scripts/fuzz.sh asks for it, so ordinary builds never see it.
if Context.environment["CALLHIST_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "FuzzPipeline", dependencies: ["CallHistory", "FuseAPI", "SQLite"], path: "Fuzz/Pipeline"))
}
