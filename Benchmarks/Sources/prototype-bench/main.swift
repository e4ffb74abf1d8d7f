// Issue 2's yardstick, re-created so that it runs on today's machine: "a throwaway 60-line
// Swift prototype (class nodes, closures, a dictionary of gradients) ran that chain at 0.34 µs
// per op", from which the issue set its targets (≤ 0.3 µs per op, ≤ 2 µs per tutorial). It
// knows one dtype, no shapes, no strides, no checks: what an op costs with nothing but a node,
// a closure and an array. run-engine.sh prints it beside the engine and torch.
import Dispatch

final class Value {
    let data: [Float]
    let parents: [Value]
    /// The gradient of each parent, given this value's gradient.
    let vjp: ([Float]) -> [[Float]]
    init(_ data: [Float], _ parents: [Value] = [], _ vjp: @escaping ([Float]) -> [[Float]] = { _ in [] }) {
        (self.data, self.parents, self.vjp) = (data, parents, vjp)
    }
}

func add(_ x: Value, _ s: Float) -> Value { Value(x.data.map { $0 + s }, [x]) { g in [g] } }
func mul(_ x: Value, _ s: Float) -> Value { Value(x.data.map { $0 * s }, [x]) { g in [g.map { $0 * s }] } }
func mul(_ x: Value, _ y: Value) -> Value {
    Value(zip(x.data, y.data).map(*), [x, y]) { g in [zip(g, y.data).map(*), zip(g, x.data).map(*)] }
}
func mean(_ x: Value) -> Value {
    let n = Float(x.data.count)
    return Value([x.data.reduce(0, +) / n], [x]) { g in [Array(repeating: g[0] / n, count: x.data.count)] }
}

/// Reverse-mode sweep: a topological order by iterative DFS, gradients in a dictionary.
func backward(_ root: Value) -> [ObjectIdentifier: [Float]] {
    var order: [Value] = [], seen: Set<ObjectIdentifier> = [], stack: [(Value, Bool)] = [(root, false)]
    while let (v, expanded) = stack.popLast() {
        if expanded { order.append(v); continue }
        guard seen.insert(ObjectIdentifier(v)).inserted else { continue }
        stack.append((v, true))
        for p in v.parents { stack.append((p, false)) }
    }
    var grads: [ObjectIdentifier: [Float]] = [ObjectIdentifier(root): Array(repeating: 1, count: root.data.count)]
    for v in order.reversed() {
        guard let g = grads[ObjectIdentifier(v)] else { continue }
        for (p, pg) in zip(v.parents, v.vjp(g)) {
            let id = ObjectIdentifier(p)
            grads[id] = grads[id].map { zip($0, pg).map(+) } ?? pg
        }
    }
    return grads
}

func measure(repeats: Int = 7, iterations: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { body() }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
    }
    return best
}

var sink = 0
let tutorial = measure(iterations: 20_000) {
    let x = Value(Array(repeating: 1, count: 4))
    let y = add(x, 2)
    sink &+= backward(mean(mul(mul(y, y), 3))).count
}
print("tutorial_us \(tutorial / 1000)")
let n = 10_000
let chain = measure(repeats: 5, iterations: 5) {
    var y = Value([1, 1, 1])
    for i in 0..<n { y = i & 1 == 0 ? mul(y, 1.0001) : add(y, 0.5) }
    sink &+= backward(mean(y)).count
}
print("chain_us_per_op \(chain / 1000 / Double(n))")
if sink == 42 { print() }
