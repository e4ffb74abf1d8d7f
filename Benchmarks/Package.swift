// swift-tools-version:6.0
// Benchmarks of the project, kept out of the main package so that CI's build stays lean
// (swift-nio keeps its benchmarks the same way). Run them with the scripts beside this file.
import PackageDescription

let package = Package(
    name: "autograd-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
    ],
    targets: [
        // The engine against PyTorch: the tutorial program, a long op chain, a large matmul.
        .executableTarget(
            name: "engine-bench",
            dependencies: [.product(name: "Autograd", package: "main")]
        ),
    ]
)
