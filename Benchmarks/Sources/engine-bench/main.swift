import Foundation
import Autograd
import AutogradProgram
import Dispatch

/// Wall-clock nanoseconds of the fastest of `repeats` runs of `body`, each run repeating it
/// `iterations` times; answers nanoseconds per iteration.
func measure(repeats: Int = 7, iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations)
        best = min(best, elapsed)
    }
    return best
}

let limits = Context.Limits.unlimited

/// The tutorial: x = ones(2, 2, requires_grad) → out = mean(3 (x + 2)^2) → backward.
func tutorial() throws {
    let c = Context(defaultDType: .float32, seed: 0, limits: limits)
    let x = try Tensor.ones([2, 2], dtype: .float32, context: c)
    try x.requireGradAtCreation()
    let y = try x.add(2)
    let out = try y.mul(y).mul(3).mean()
    try out.backward()
}

/// A chain of `n` ops (`mul`, `add` in turn) on a 3-element tensor, recorded when `recording`.
func chainForward(_ n: Int, recording: Bool) throws -> Tensor {
    let c = Context(defaultDType: .float32, seed: 0, limits: limits)
    var y = try Tensor.ones([3], dtype: .float32, context: c)
    if recording { try y.requireGradAtCreation() }
    for i in 0..<n { y = i & 1 == 0 ? try y.mul(1.0001) : try y.add(0.5) }
    return y
}

/// The chain, then backward: the per-op overhead.
func chain(_ n: Int) throws {
    try chainForward(n, recording: true).sum().backward()
}

let arguments = CommandLine.arguments
let which = arguments.count > 1 ? arguments[1] : "all"

if which == "all" || which == "tutorial" {
    let ns = try measure(iterations: 20_000) { try tutorial() }
    print("tutorial_us \(ns / 1000)")
}
if which == "all" || which == "chain" {
    let n = 10_000
    let ns = try measure(repeats: 5, iterations: 5) { try chain(n) }
    print("chain_us_per_op \(ns / 1000 / Double(n))")
}
if which == "all" || which == "program" {
    // The whole program layer on the tutorial body: JSON parse, check, run, answer.
    let body = Array(#"{"steps":[{"out":"x","op":"ones","attrs":{"shape":[2,2],"requires_grad":true}},{"out":"y","op":"add","inputs":["x",2]},{"out":"z","op":"mul","inputs":[{"op":"mul","inputs":["y","y"]},3]},{"out":"out","op":"mean","inputs":["z"]},{"op":"backward","inputs":["out"]}],"outputs":["x","y","out"]}"#.utf8)
    let evaluator = Evaluator()
    let ns = measure(iterations: 5_000) { _ = evaluator.evaluate(body) }
    print("program_tutorial_us \(ns / 1000)")
}
if which == "mlp" {
    // The service benchmark's heavier program (Benchmarks/mlp.lua), through the program layer.
    let body = Array(#"{"seed":1,"steps":[{"out":"x","op":"randn","inputs":[64,128]},{"out":"w","op":"randn","inputs":[256,128],"attrs":{"requires_grad":true}},{"out":"b","op":"zeros","inputs":[256],"attrs":{"requires_grad":true}},{"out":"t","op":"randn","inputs":[64,256]},{"out":"loss","op":"mse_loss","inputs":[{"op":"relu","inputs":[{"op":"linear","inputs":["x","w","b"]}]},"t"]},{"op":"backward","inputs":["loss"]},{"out":"g","op":"norm","inputs":["w.grad"]}],"outputs":["loss","g"]}"#.utf8)
    let evaluator = Evaluator()
    let ns = measure(iterations: 200) { _ = evaluator.evaluate(body) }
    print("program_mlp_us \(ns / 1000)")
}
if which == "parts" {
    // Where the chain's time goes: forward with recording (and the graph's teardown), forward
    // without; backward is `chain` minus the first.
    let n = 10_000
    let recorded = try measure(repeats: 5, iterations: 5) { _ = try chainForward(n, recording: true) }
    let plain = try measure(repeats: 5, iterations: 5) { _ = try chainForward(n, recording: false) }
    print("forward_recorded_us_per_op \(recorded / 1000 / Double(n))")
    print("forward_plain_us_per_op \(plain / 1000 / Double(n))")
}
if which == "tutorial-parts" {
    // The tutorial cut into phases: each line adds one phase to the one before.
    let setup = try measure(iterations: 20_000) {
        let c = Context(defaultDType: .float32, seed: 0, limits: limits)
        let x = try Tensor.ones([2, 2], dtype: .float32, context: c)
        try x.requireGradAtCreation()
    }
    let forward = try measure(iterations: 20_000) {
        let c = Context(defaultDType: .float32, seed: 0, limits: limits)
        let x = try Tensor.ones([2, 2], dtype: .float32, context: c)
        try x.requireGradAtCreation()
        let y = try x.add(2)
        _ = try y.mul(y).mul(3).mean()
    }
    let whole = try measure(iterations: 20_000) { try tutorial() }
    print("tutorial_setup_us \(setup / 1000)")
    print("tutorial_forward_us \((forward - setup) / 1000)")
    print("tutorial_backward_us \((whole - forward) / 1000)")
}
if which == "lifecycle" {
    // One fresh tensor's life (Tensor + Storage, made and freed), and a storage's alone.
    let c = Context(defaultDType: .float32, seed: 0, limits: limits)
    let shape = [3]
    let t = try measure(repeats: 5, iterations: 200_000) { _ = try Tensor.zeros(shape, dtype: .float32, context: c) }
    print("tensor_lifecycle_ns \(t)")
    let x = try Tensor.ones(shape, dtype: .float32, context: c)
    let m = try measure(repeats: 5, iterations: 200_000) { _ = try x.mul(1.5) }
    print("mul_scalar_plain_ns \(m)")
    try x.requireGradAtCreation()
    let r = try measure(repeats: 5, iterations: 200_000) { _ = try x.mul(1.5) }
    print("mul_scalar_recorded_ns \(r)")
}
if which == "sums" {
    // Sums of a million float32 elements: the whole tensor, and each of 1000 rows and columns.
    let c = Context(defaultDType: .float32, seed: 0, limits: limits)
    let x = try Tensor.randn([1000, 1000], dtype: .float32, context: c)
    let all = try measure(repeats: 5, iterations: 20) { _ = try x.sum() }
    let rows = try measure(repeats: 5, iterations: 20) { _ = try x.sum(dims: [1]) }
    let columns = try measure(repeats: 5, iterations: 20) { _ = try x.sum(dims: [0]) }
    print("sum_1m_us \(all / 1000)")
    print("sum_rows_us \(rows / 1000)")
    print("sum_columns_us \(columns / 1000)")
}
if which == "recorded-count" {
    // The recorded scalar mul N times untimed, for perf.
    let c = Context(defaultDType: .float32, seed: 0, limits: limits)
    let x = try Tensor.ones([3], dtype: .float32, context: c)
    try x.requireGradAtCreation()
    for _ in 0..<(arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000) { _ = try x.mul(1.5) }
}
if which == "plain" {
    // The chain's ops with grad mode off: tensor creation, kernel and teardown only.
    let n = 10_000
    let ns = try measure(repeats: 5, iterations: 5) { _ = try chainForward(n, recording: false) }
    print("forward_plain_us_per_op \(ns / 1000 / Double(n))")
}
if which == "chain-parts" {
    // The chain cut into phases per op: recording the forward, backward, freeing the graph.
    let n = 10_000, runs = 25
    var build = 0.0, back = 0.0, free = 0.0
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        var y: Tensor? = try chainForward(n, recording: true).sum()
        let t1 = DispatchTime.now().uptimeNanoseconds
        try y!.backward()
        let t2 = DispatchTime.now().uptimeNanoseconds
        y = nil
        let t3 = DispatchTime.now().uptimeNanoseconds
        build += Double(t1 - t0); back += Double(t2 - t1); free += Double(t3 - t2)
    }
    let scale = 1000 * Double(runs * n)
    print("chain_forward_us_per_op \(build / scale)")
    print("chain_backward_us_per_op \(back / scale)")
    print("chain_free_us_per_op \(free / scale)")
}
if which == "tutorial-count" {
    // The tutorial N times untimed (default 1,000): for counting calls per program with perf
    // (`perf stat -e probe_libswiftCore:swift_retain …`), divided by N.
    let n = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
    for _ in 0..<n { try tutorial() }
}
if which == "floor" {
    // What this machine charges for one heap object's life (allocate, initialise, free): a
    // node-like object with fifteen reference fields, and one with two, 10,000 made and then
    // freed at once as a graph's nodes are. The engine's per-op cost is bounded below by the
    // objects an op makes (a tensor, its storage, a node; a gradient tensor and its storage).
    final class Wide {
        var a: AnyObject?, b: AnyObject?, c: AnyObject?, d: AnyObject?, e: AnyObject?
        var f: [Int] = [], g: [Int] = [], h: [Int] = [], i: [Int] = [], j: [Int] = []
        var k: AnyObject?, l: AnyObject?, m: AnyObject?, n: AnyObject?
        let shape: [Int]
        init(_ shape: [Int]) { self.shape = shape }
    }
    final class Narrow {
        var next: AnyObject?
        let shape: [Int]
        init(_ shape: [Int]) { self.shape = shape }
    }
    let shape = [3], n = 10_000
    var wide: [Wide] = [], narrow: [Narrow] = []
    wide.reserveCapacity(n)
    narrow.reserveCapacity(n)
    let w = measure(repeats: 5, iterations: 20) {
        for _ in 0..<n { wide.append(Wide(shape)) }
        wide.removeAll(keepingCapacity: true)
    }
    let s = measure(repeats: 5, iterations: 20) {
        for _ in 0..<n { narrow.append(Narrow(shape)) }
        narrow.removeAll(keepingCapacity: true)
    }
    print("object_wide_ns \(w / Double(n))")
    print("object_narrow_ns \(s / Double(n))")
}
if which == "all" || which == "matmul" {
    let c = Context(defaultDType: .float32, seed: 1, limits: limits)
    let n = 1024
    let a = try Tensor.randn([n, n], dtype: .float32, context: c)
    let b = try Tensor.randn([n, n], dtype: .float32, context: c)
    let ns = try measure(repeats: 5, iterations: 20) { _ = try a.mm(b) }
    print("matmul1024_gflops \(2 * Double(n * n * n) / ns)")
}
