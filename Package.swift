// swift-tools-version:6.1
// Byline: a small query language and shell over facts extracted from a news article.
import PackageDescription

let package = Package(
    name: "Byline",
    products: [
        .library(name: "Byline", targets: ["Byline"]),
        .executable(name: "byline", targets: ["BylineCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Spark Connect's transport (gRPC is HTTP/2 with protobuf messages): only SparkConnect uses them.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // `swift package generate-documentation --target Byline` builds the DocC catalogue; nothing
        // links it, so it costs a build only its clone.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The compiler's stages, each a target, so a stage can import only the ones before it
        // (swift-syntax's layout): an import against the direction does not compile.
        // Values, types, schemas and the diagnostic catalogue every stage speaks in.
        .target(name: "BylineCore"),
        // Text to syntax tree: the lexer, the parser and the tree.
        .target(name: "BylineSyntax", dependencies: ["BylineCore"]),
        // Columnar tables and results, cancellation and the thread pool they are built with.
        .target(name: "BylineStorage", dependencies: ["BylineCore"]),
        // The function catalogue (each function one declaration: types, evaluation, SQL), the
        // arithmetic and pattern rules, and the SQL dialects the declarations are spelt for.
        .target(name: "BylineFunctions", dependencies: ["BylineCore", "BylineSyntax", "BylineStorage"]),
        // Files in and out: the loaders (CSV, TSV, JSON), the formatters and atomic writes.
        .target(name: "BylineIO", dependencies: ["BylineCore", "BylineStorage"]),
        // Syntax tree to checked plan: names, types, aggregation, citation; whole scripts.
        .target(
            name: "BylineSemantics",
            dependencies: ["BylineCore", "BylineSyntax", "BylineStorage", "BylineFunctions", "BylineIO"]),
        // Plans run in memory: the executor, kernels, aggregation, sorting, joins.
        .target(
            name: "BylineEngine",
            dependencies: ["BylineCore", "BylineSyntax", "BylineStorage", "BylineFunctions", "BylineSemantics"]),
        // Plans compiled to SQL for a database.
        .target(
            name: "BylineSQL",
            dependencies: ["BylineCore", "BylineSyntax", "BylineStorage", "BylineFunctions", "BylineSemantics"]),
        // The embeddable library's facade: sessions, prepared queries, typed rows, the article
        // dataset. Embedders import this one module. No readline, no printing.
        .target(
            name: "Byline",
            dependencies: [
                "BylineCore", "BylineSyntax", "BylineStorage", "BylineFunctions", "BylineIO", "BylineSemantics",
                "BylineEngine", "BylineSQL",
            ],
            exclude: ["Dataset/article.json"],
            plugins: ["EmbedDataPlugin"]
        ),
        // Turns Dataset/*.json into Swift source at build time, so the binary needs no resource files.
        .executableTarget(name: "EmbedData"),
        .plugin(name: "EmbedDataPlugin", capability: .buildTool(), dependencies: ["EmbedData"]),
        // GNU readline, wrapped in a module map and a shim of static inline helpers.
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        // The system SQLite: the oracle of the differential tests.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libpq, PostgreSQL's C client (Debian's libpq-dev): the PostgreSQL backend.
        .systemLibrary(
            name: "CPostgreSQL",
            providers: [.apt(["libpq-dev"])]
        ),
        // The C library allocator's settings for the byline command (no library to link).
        .systemLibrary(name: "CMemory"),
        // Database drivers for the SQL backends: PostgreSQL through libpq, SQLite through the system library.
        .target(name: "BylineDatabases", dependencies: ["Byline", "CPostgreSQL", "CSQLite"]),
        // Spark Connect's protobuf messages, generated once from the .proto files of Spark's connect
        // jar (Scripts/generate-spark-protos) and committed: a target of their own, so the 41,000
        // generated lines are compiled once, not again with each change to the client.
        .target(
            name: "SparkConnectProtocol",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["NOTICE"]
        ),
        // A Spark Connect client: gRPC over swift-nio-http2, Arrow IPC streams read and written by
        // hand. Knows nothing of Byline.
        .target(
            name: "SparkConnect",
            dependencies: [
                "SparkConnectProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Spark as a database Byline queries run in (sc:// addresses), over the client above: a
        // target of its own, so the library and the other drivers never depend on NIO.
        .target(name: "BylineSpark", dependencies: ["Byline", "BylineDatabases", "SparkConnect"]),
        // Running scripts, dot-commands and the interactive shell.
        .target(name: "BylineShell", dependencies: ["Byline", "BylineDatabases", "BylineSpark", "CReadline"]),
        .executableTarget(
            name: "BylineCLI",
            dependencies: [
                "Byline",
                "BylineDatabases",
                "BylineSpark",
                "BylineShell",
                "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime and Foundation linked in: loading and binding their shared
            // libraries took about half of start-up (`byline --version` 16 ms -> 9 ms).
            linkerSettings: [
                .unsafeFlags(
                    ["-static-stdlib", "-Xlinker", "--start-group", "-lFoundation", "-lFoundationInternationalization",
                     "-lFoundationEssentials", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
                     "-l_FoundationCollections", "-Xlinker", "--end-group"],
                    .when(platforms: [.linux]))
            ]
        ),
        // Writes the benchmark's data (see Benchmarks/run).
        .executableTarget(name: "BenchmarkData"),
        // Helpers the test targets share.
        .target(name: "TestSupport", dependencies: ["Byline"], path: "Tests/TestSupport"),
        // The grammar-aware fuzzer's long runs (see Fuzz/README or README's Robustness).
        .executableTarget(name: "GrammarFuzz", dependencies: ["Byline", "TestSupport"]),
        .testTarget(name: "BylineTests", dependencies: ["Byline", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SparkConnectTests", dependencies: ["SparkConnect", "BylineSpark", "Byline", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BylineShellTests", dependencies: ["Byline", "BylineShell", "TestSupport"]),
        .testTarget(name: "BylineCLITests", dependencies: ["Byline", "BylineDatabases", "BylineShell", "BylineSpark", "TestSupport"]),
        // Random queries through Byline and through SQLite, answers compared.
        .testTarget(name: "DifferentialTests", dependencies: ["Byline", "BylineDatabases", "BylineSpark", "CSQLite", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
