import Foundation
import Testing
@testable import AutogradProgram

/// Every op of the catalog called with hostile inputs and attrs (extreme and wrong-typed
/// integers, empty, 0-d and huge shapes, NaN, nulls, lists where numbers go), in process: each
/// program must be answered (200 or a 4xx JSON error), never trap. Two inputs of this kind
/// crashed the server (`size(dim=-1)` of a 0-d tensor, an `arange` longer than Int.max), which
/// a trap in this test would now show as a crashed test run.
@Suite("Hostile programs are answered, never crash")
struct HostileInputTests {
    @Test("random calls of every op with hostile arguments", arguments: Array(UInt64(1)...UInt64(6)))
    func hostileCalls(seed: UInt64) throws {
        var limits = ProgramLimits()
        limits.maxElements = 1 << 16
        limits.maxBytes = 1 << 22
        let evaluator = Evaluator(limits: limits)
        var random = SplitMix(seed: seed)
        for _ in 0..<3000 {
            let op = WireOps.all[random.below(WireOps.all.count)]
            let count = op.arity.lowerBound + random.below(min(op.arity.upperBound, 4) - op.arity.lowerBound + 1)
            var inputs: [Any] = []
            for _ in 0..<count { inputs.append(random.below(5) == 0 ? hostileValue(&random) : tensor(&random)) }
            var attrs: [String: Any] = [:]
            for attr in op.attrs where random.below(2) == 0 { attrs[attr.name] = hostileValue(&random, for: attr.type) }
            var steps: [Any] = [["out": "y", "op": op.name, "inputs": inputs, "attrs": attrs]]
            if random.below(2) == 0 {
                // a second op on the first's result (a view, an in-place write, a reduction…)
                let next = WireOps.all[random.below(WireOps.all.count)]
                var nextInputs: [Any] = ["y"]
                while nextInputs.count < next.arity.lowerBound { nextInputs.append(random.below(2) == 0 ? "y" : tensor(&random)) }
                var nextAttrs: [String: Any] = [:]
                for attr in next.attrs where random.below(3) == 0 { nextAttrs[attr.name] = hostileValue(&random, for: attr.type) }
                steps.append(["out": "z", "op": next.name, "inputs": nextInputs, "attrs": nextAttrs])
            }
            if random.below(2) == 0 { steps.append(["op": "backward", "inputs": [["op": "sum", "inputs": ["y"]]]]) }
            let program = try JSONSerialization.data(withJSONObject: ["steps": steps])
            let answer = evaluator.evaluate([UInt8](program))
            let text = String(decoding: program, as: UTF8.self)
            #expect([200, 400, 413, 422].contains(answer.status), "\(answer.status) for \(text)")
            #expect((try? JSONSerialization.jsonObject(with: Data(answer.body))) != nil, "no JSON answer for \(text)")
        }
    }

    private static let integers: [Int64] = [0, 1, -1, 2, -2, 3, 7, -7, 100, 1 << 31, -(1 << 31), 1 << 62, -(1 << 62), .max, .min]

    private func hostileValue(_ random: inout SplitMix, for type: AttrType? = nil) -> Any {
        switch type {
        case .ints?, .split?:
            let lists: [[Int64]] = [[], [0], [-1], [2, -1], [-1, -1], [0, 0], [1 << 62, 1 << 62], [1 << 31, 1 << 31, 1 << 31],
                                    Array(repeating: 1, count: 70), [3, 2], [2, 3], [6], [0, 3], [.max], [.min, 1]]
            return lists[random.below(lists.count)]
        case .int?, .optint?, .dim?, .num?, .scalar?:
            let extra: [Any] = [0.5, 1e300, -1e300, true, NSNull(), "inf", [0], [Int64.max]]
            return random.below(3) == 0 ? extra[random.below(extra.count)] : Self.integers[random.below(Self.integers.count)]
        default:
            let pool: [Any] = [0, -1, 2, Int64.max, Int64.min, 0.5, 1e300, "NaN", "Infinity", true, false, NSNull(), [Int](),
                               [0], [-1], [[1]], "x", [String: Any](), [0, 0], [1, -1], ["start": Int64.max], ["stop": -1, "step": 0],
                               "...", [NSNull(), NSNull()], [[0, 5], [1]]]
            return pool[random.below(pool.count)]
        }
    }

    private func tensor(_ random: inout SplitMix) -> [String: Any] {
        let shapes: [[Int]] = [[], [0], [2, 3], [3], [1, 1, 2], [0, 2], [2, 1, 3]]
        let shape = shapes[random.below(shapes.count)]
        func nested(_ shape: ArraySlice<Int>) -> Any {
            guard let first = shape.first else { return [1.5, -0.5, 0.0, 2.0][random.below(4)] }
            return (0..<first).map { _ in nested(shape.dropFirst()) }
        }
        var attrs: [String: Any] = ["data": shape.contains(0) ? [Any]() : nested(shape[...])]
        if shape.contains(0) { attrs["shape"] = shape }
        switch random.below(6) {
        case 0: attrs["dtype"] = "int64"
        case 1: attrs["dtype"] = "bool"
        case 2, 3: attrs["requires_grad"] = true
        default: break
        }
        return ["op": "tensor", "attrs": attrs]
    }
}

/// A small deterministic generator (SplitMix64): the same seed, the same programs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
