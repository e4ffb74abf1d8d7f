// swift-tools-version:6.0
import PackageDescription

// The architecture: engine ← program ← service → HTTP server. The HTTP server knows nothing
// of tensors; the engine knows nothing of JSON or I/O.
let package = Package(
    name: "autograd-server",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "autograd-server", targets: ["autograd-server"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "AutogradProgram", targets: ["AutogradProgram"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
    ],
    dependencies: [
        // Generic elementary functions (`T.exp`, `T.log`) so that one kernel serves float32 and
        // float64 alike, specialised by the compiler; Apple-maintained and dependency-free.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        // Structured logging (the access log), the server-side Swift standard.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Metrics API, with swift-prometheus as its backend for the /metrics exposition.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The executable's flags and subcommands.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - Engine: tensors, kernels, the define-by-run graph and the backward walk.
        /// The matrix-product micro-kernels: SIMD intrinsics compiled per instruction set and
        /// chosen at run time, which Swift cannot express (see gemm.c).
        .target(name: "CAutogradKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "Autograd",
            dependencies: ["CAutogradKernels", .product(name: "RealModule", package: "swift-numerics")],
            // The engine's objects are used by one thread at a time (one context per program),
            // so the runtime's dynamic exclusivity checks on their properties are pure cost on
            // the per-op hot path.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),

        // MARK: - Program layer: API.md's wire model, decoded, run on the engine and answered.
        .target(name: "AutogradProgram", dependencies: ["Autograd"]),

        // MARK: - HTTP server: sockets, epoll, the incremental parser, keep-alive, gzip.
        /// One-header shim over the Linux calls Swift's Glibc overlay does not reach cleanly
        /// (epoll, eventfd, accept4, sendmsg with MSG_NOSIGNAL, socket option constants).
        .target(name: "CEpoll"),
        /// The system zlib (`libz`), reached through a module map; needs zlib1g-dev at build time.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "HTTPServer",
            dependencies: ["CEpoll", "CZlib", .product(name: "Logging", package: "swift-log")]
        ),

        // MARK: - Service: routes, metrics, readiness; glue between the program layer and HTTP.
        .target(
            name: "AutogradService",
            dependencies: [
                "AutogradProgram", "HTTPServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/playground.html")]
        ),
        .executableTarget(
            name: "autograd-server",
            dependencies: [
                "AutogradService", "AutogradProgram", "HTTPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: - Tests
        .target(name: "ConformanceSupport", path: "Tests/ConformanceSupport"),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "AutogradProgramTests", dependencies: ["AutogradProgram", "Autograd", "ConformanceSupport"]),
        .target(
            name: "HTTPTestSupport",
            dependencies: ["HTTPServer", .product(name: "Logging", package: "swift-log")],
            path: "Tests/HTTPTestSupport"
        ),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTPTestSupport"]),
        .testTarget(
            name: "AutogradServiceTests",
            dependencies: ["AutogradService", "AutogradProgram", "HTTPServer", "ConformanceSupport", "HTTPTestSupport",
                           .product(name: "Logging", package: "swift-log")]
        ),
    ]
)
