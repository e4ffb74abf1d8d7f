// swift-tools-version:6.0
// Benchmarks of the project, kept out of the main package so that CI's build stays lean
// (swift-nio keeps its benchmarks the same way), and so that CI never builds Hummingbird.
// Run them with the scripts beside this file.
import PackageDescription

let package = Package(
    name: "autograd-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "autograd-server", path: "../"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The engine against PyTorch: the tutorial program, a long op chain, a large matmul.
        .executableTarget(
            name: "engine-bench",
            dependencies: [
                .product(name: "Autograd", package: "autograd-server"),
                .product(name: "AutogradProgram", package: "autograd-server"),
            ]
        ),
        // Issue 2's prototype (class nodes, closures, a dictionary of gradients): its yardstick
        // measured on today's machine.
        .executableTarget(name: "prototype-bench"),
        // The same tiny JSON POST on our HTTP server and on Hummingbird 2 (run-http.sh).
        .executableTarget(
            name: "BenchHTTPServer",
            dependencies: [
                .product(name: "HTTPServer", package: "autograd-server"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "BenchHummingbird",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
