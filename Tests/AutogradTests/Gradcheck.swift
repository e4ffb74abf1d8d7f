import Testing
@testable import Autograd

/// One way to exercise a derivative row: leaves of the given shapes (float64, uniform in
/// `range`), and the function of them whose graph holds the row's node.
struct GradcheckSample: CustomStringConvertible, @unchecked Sendable {
    let shapes: [[Int]]
    let range: ClosedRange<Double>
    /// The finite-difference step; larger where the function rounds through float32.
    let eps: Double
    /// Leaves that are constants (weights torch refuses to differentiate): no grad, not probed.
    let constants: Set<Int>
    let label: String
    let function: ([Tensor]) throws -> Tensor

    init(_ label: String, _ shapes: [[Int]], range: ClosedRange<Double> = -1...1, eps: Double = 1e-6,
         constants: Set<Int> = [], _ function: @escaping ([Tensor]) throws -> Tensor) {
        self.label = label
        self.eps = eps
        self.constants = constants
        self.shapes = shapes
        self.range = range
        self.function = function
    }

    var description: String { label }
}

/// torch.autograd.gradcheck's method: the analytic vector-Jacobian product against central
/// finite differences, in float64, with torch's tolerances.
enum Gradcheck {
    static let atol = 1e-5, rtol = 1e-3

    /// Leaves for a sample, drawn from a generator seeded by the sample's label.
    static func leaves(_ sample: GradcheckSample, _ context: Context) throws -> [Tensor] {
        var generator = Generator(seed: UInt64(truncatingIfNeeded: sample.label.hashValue & 0x7fff_ffff))
        return try sample.shapes.enumerated().map { k, shape in
            let count = shape.reduce(1, *)
            let values = (0..<count).map { _ in
                sample.range.lowerBound + (sample.range.upperBound - sample.range.lowerBound) * generator.nextUniform()
            }
            let t = try Tensor.make(values, shape: shape, dtype: .float64, context: context)
            if !sample.constants.contains(k) { try t.requireGradAtCreation() }
            return t
        }
    }

    /// Checks first-order gradients of `f` at `inputs`; answers the first disagreement.
    static func check(_ f: ([Tensor]) throws -> Tensor, _ inputs: [Tensor], eps: Double = 1e-6) throws -> String? {
        let context = inputs[0].context
        let output = try f(inputs)
        guard output.requiresGrad else { return "the output does not require grad" }
        var generator = Generator(seed: 7)
        let weights = (0..<output.count).map { _ in generator.nextUniform() * 2 - 1 }
        let v = try Tensor.make(weights, shape: output.shape, dtype: output.dtype, context: context)
        let variables = inputs.indices.filter { inputs[$0].requiresGrad }
        let grads = try output.gradients(with: variables.map { inputs[$0] }, gradOutput: v, allowUnused: true)
        var analytic = [Tensor?](repeating: nil, count: inputs.count)
        for (i, k) in variables.enumerated() { analytic[k] = grads[i] }
        for (k, input) in inputs.enumerated() where input.requiresGrad {
            let base = input.doubles()
            let gradient = analytic[k]?.doubles() ?? [Double](repeating: 0, count: base.count)
            for j in 0..<base.count {
                func probe(_ delta: Double) throws -> Double {
                    var values = base
                    values[j] += delta
                    let perturbed = try Tensor.make(values, shape: input.shape, dtype: .float64, context: context)
                    try perturbed.requireGradAtCreation()
                    var args = inputs
                    args[k] = perturbed
                    let y = try f(args)
                    return zip(y.doubles(), weights).reduce(0) { $0 + $1.0 * $1.1 }
                }
                let numeric = (try probe(eps) - probe(-eps)) / (2 * eps)
                if !(abs(numeric - gradient[j]) <= atol + rtol * abs(numeric)) {
                    return "input \(k) element \(j): analytic \(gradient[j]), numeric \(numeric)"
                }
            }
        }
        return nil
    }

    /// Checks second-order gradients: the first-order VJP (with `create_graph`) is itself
    /// differentiated and compared with finite differences of it.
    static func checkSecondOrder(_ f: @escaping ([Tensor]) throws -> Tensor, _ inputs: [Tensor]) throws -> String? {
        let context = inputs[0].context
        let probe = try context.withGradMode(false) { try f(inputs) }
        var generator = Generator(seed: 11)
        let weights = (0..<probe.count).map { _ in generator.nextUniform() * 2 - 1 }
        let v = try Tensor.make(weights, shape: probe.shape, dtype: .float64, context: context)
        let firstOrder: ([Tensor]) throws -> Tensor = { xs in
            let y = try f(xs)
            let grads = try y.gradients(with: xs.filter(\.requiresGrad), gradOutput: v, createGraph: true, allowUnused: true)
            let parts = try grads.compactMap { try $0?.reshape([-1]) }
            if parts.isEmpty { return try Tensor.zeros([0], dtype: .float64, context: context) }
            return try Tensor.cat(parts)
        }
        let first = try firstOrder(inputs)
        // Rows whose gradient is piecewise constant (relu, abs, max…) have a zero Hessian:
        // nothing further depends on the inputs, as in torch.
        if !first.requiresGrad { return nil }
        return try check(firstOrder, inputs)
    }
}
