// swift-tools-version:6.1
// The library's benchmark: prepared runs against re-parsing, decoding rows against reading them.
// Run it built for speed: swift run -c release --package-path Benchmarks/Library
import PackageDescription

let package = Package(
    name: "LibraryBenchmark",
    dependencies: [
        .package(name: "Byline", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "LibraryBenchmark",
            dependencies: [.product(name: "Byline", package: "Byline")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
