// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "autograd-server",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Autograd", targets: ["Autograd"]),
    ],
    dependencies: [
        // Generic elementary functions (`T.exp`, `T.log`) so that one kernel serves float32 and
        // float64 alike, specialised by the compiler; Apple-maintained and dependency-free.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // MARK: - Engine: tensors, kernels, the define-by-run graph and the backward walk.
        .target(
            name: "Autograd",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")]
        ),

        // MARK: - Program layer: API.md's wire model, decoded, run on the engine and answered.
        .target(name: "AutogradProgram", dependencies: ["Autograd"]),

        // MARK: - Tests
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .target(name: "ConformanceSupport", path: "Tests/ConformanceSupport"),
        .testTarget(name: "AutogradProgramTests", dependencies: ["AutogradProgram", "Autograd", "ConformanceSupport"]),
    ]
)
