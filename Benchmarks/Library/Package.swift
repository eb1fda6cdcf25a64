// swift-tools-version:6.1
// The library's benchmark: prepared runs against re-parsing, decoding rows against reading them,
// in Byline and, on the same data, in GRDB (SQLite in memory).
// Run it built for speed: swift run -c release --package-path Benchmarks/Library
import PackageDescription

let package = Package(
    name: "LibraryBenchmark",
    dependencies: [
        .package(name: "Byline", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "LibraryBenchmark",
            dependencies: [
                .product(name: "Byline", package: "Byline"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
