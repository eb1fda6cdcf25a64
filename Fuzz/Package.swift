// swift-tools-version:6.1
// libFuzzer targets for Byline, built only by Fuzz/run with -sanitize=fuzzer,address.
import PackageDescription

// Links libFuzzer's driver; coverage comes from Fuzz/run's -sanitize-coverage on every module.
let fuzzer: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]

let package = Package(
    name: "BylineFuzz",
    dependencies: [.package(name: "Byline", path: "..")],
    targets: [
        // libFuzzer's entry, shared by the targets.
        .target(name: "FuzzDriver"),
        // Lexer -> parser -> binder -> engine on arbitrary source text.
        .executableTarget(
            name: "FuzzQuery", dependencies: ["FuzzDriver", .product(name: "Byline", package: "Byline")],
            linkerSettings: fuzzer),
        // The CSV, JSON and JSON Lines loaders on arbitrary bytes.
        .executableTarget(
            name: "FuzzLoader", dependencies: ["FuzzDriver", .product(name: "Byline", package: "Byline")],
            linkerSettings: fuzzer),
    ],
    swiftLanguageModes: [.v6]
)
