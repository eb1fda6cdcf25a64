// swift-tools-version:6.1
// A tiny program that embeds Byline: it depends on the repository by path and queries the article.
import PackageDescription

let package = Package(
    name: "EmbeddingDemo",
    dependencies: [
        .package(name: "Byline", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "EmbeddingDemo",
            dependencies: [.product(name: "Byline", package: "Byline")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
