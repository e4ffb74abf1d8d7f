import Testing
@testable import Autograd

/// Finite-difference checks of every row of the derivative table, first and second order, in
/// float64, over shapes with broadcasting, size-1 and empty dimensions and non-contiguous
/// inputs. The rows come from `Derivatives.table`: a row without samples fails the suite.
@Suite("Gradient checks of the derivative table")
struct GradcheckTests {
    static let rows = Derivatives.table.map(\.name)

    @Test("every derivative row has gradcheck samples")
    func everyRowIsCovered() {
        let missing = Self.rows.filter { Samples.byRow[$0] == nil }
        #expect(missing.isEmpty, "rows without samples: \(missing)")
    }

    @Test("first-order gradients match finite differences", arguments: rows)
    func firstOrder(_ row: String) throws {
        for sample in Samples.byRow[row] ?? [] {
            let c = context(.float64)
            let inputs = try Gradcheck.leaves(sample, c)
            let graph = try sample.function(inputs)
            #expect(graphContains(graph, row), "\(row) / \(sample): the graph does not record \(row)")
            if let problem = try Gradcheck.check(sample.function, inputs, eps: sample.eps) {
                Issue.record("\(row) / \(sample): \(problem)")
            }
        }
    }

    @Test("second-order gradients (through create_graph) match finite differences", arguments: rows)
    func secondOrder(_ row: String) throws {
        for sample in Samples.byRow[row] ?? [] {
            let c = context(.float64)
            let inputs = try Gradcheck.leaves(sample, c)
            if let problem = try Gradcheck.checkSecondOrder(sample.function, inputs) {
                Issue.record("\(row) / \(sample): \(problem)")
            }
        }
    }

    /// True when the backward graph of `t` holds a node of the row's grad_fn.
    func graphContains(_ t: Tensor, _ row: String) -> Bool {
        let gradFn = Derivatives.named(row).gradFn
        var stack = t.gradFn.map { [$0] } ?? []
        var seen = Set<ObjectIdentifier>()
        while let node = stack.popLast() {
            if node.name == gradFn { return true }
            for edge in node.edges {
                if let next = edge?.node, seen.insert(ObjectIdentifier(next)).inserted { stack.append(next) }
            }
        }
        return false
    }
}

/// The samples, by derivative row.
enum Samples {
    typealias S = GradcheckSample

    /// `t.t()` of a leaf: a non-contiguous input.
    static func transposed(_ t: Tensor) throws -> Tensor { try t.t() }

    static let byRow: [String: [S]] = [
        // Arithmetic
        "add.Tensor": [
            S("broadcast [2,3] + [3]", [[2, 3], [3]]) { try $0[0].add($0[1]) },
            S("alpha, transposed", [[3, 2], [2, 3]]) { try transposed($0[0]).add($0[1], alpha: 2.5) },
            S("empty", [[0, 3], [3]]) { try $0[0].add($0[1]) },
        ],
        "sub.Tensor": [
            S("broadcast [2,1] - [3]", [[2, 1], [3]]) { try $0[0].sub($0[1], alpha: 0.5) },
            S("scalar", [[4]]) { try $0[0].sub(2) },
        ],
        "rsub.Tensor": [S("[3] rsub [2,3]", [[3], [2, 3]]) { try $0[0].rsub($0[1], alpha: 2) }],
        "rsub.Scalar": [S("2 - x", [[2, 2]]) { try $0[0].rsub(2, alpha: 1.5) }],
        "mul.Tensor": [
            S("broadcast [2,3] * [2,1]", [[2, 3], [2, 1]]) { try $0[0].mul($0[1]) },
            S("x * x", [[3]]) { try $0[0].mul($0[0]) },
            S("scalar", [[2, 2]]) { try $0[0].mul(-1.5) },
            S("expanded", [[3, 1], [3, 4]]) { try $0[0].expand([3, 4]).mul($0[1]) },
        ],
        "mul.Scalar": [S("mul.Scalar", [[3]]) { try $0[0].mulScalar(0.25) }],
        "div.Tensor": [
            S("broadcast", [[2, 3], [3]], range: 0.5...2) { try $0[0].div($0[1]) },
            S("scalar", [[3]]) { try $0[0].div(4) },
        ],
        "div.Scalar": [S("div.Scalar", [[3]]) { try $0[0].divScalar(4) }],
        "div.Tensor_mode": [S("floor", [[3], [3]], range: 0.5...2) { try $0[0].div($0[1], roundingMode: .floor).add($0[0]) }],
        "pow.Tensor_Scalar": [
            S("x ** 3", [[2, 3]]) { try $0[0].pow(3) },
            S("x ** 0.5", [[3]], range: 0.5...2) { try $0[0].pow(0.5) },
            S("square, transposed", [[3, 2]]) { try transposed($0[0]).square() },
        ],
        "pow.Tensor_Tensor": [S("x ** y", [[2, 3], [3]], range: 0.5...2) { try $0[0].pow($0[1]) }],
        "pow.Scalar": [S("2 ** x", [[4]]) { try Tensor.pow(2, $0[0]) }],
        "maximum": [S("maximum", [[2, 3], [3]]) { try $0[0].maximum($0[1]) }],
        "minimum": [S("minimum", [[2, 3], [2, 1]]) { try $0[0].minimum($0[1]) }],
        // Pointwise
        "neg": [S("neg", [[2, 2]]) { try $0[0].neg() }],
        "abs": [S("abs", [[5]]) { try $0[0].abs() }],
        "sign": [S("sign", [[3]]) { try $0[0].sign().add($0[0]) }],
        "sgn": [S("sgn", [[3]]) { try $0[0].sgn().add($0[0]) }],
        "reciprocal": [S("reciprocal", [[3]], range: 0.5...2) { try $0[0].reciprocal() }],
        "sqrt": [S("sqrt", [[2, 2]], range: 0.5...2) { try $0[0].sqrt() }],
        "rsqrt": [S("rsqrt", [[3]], range: 0.5...2) { try $0[0].rsqrt() }],
        "exp": [S("exp, transposed", [[2, 3]]) { try transposed($0[0]).exp() }],
        "log": [S("log", [[3]], range: 0.5...2) { try $0[0].log() }],
        "log1p": [S("log1p", [[3]], range: 0...1) { try $0[0].log1p() }],
        "expm1": [S("expm1", [[3]]) { try $0[0].expm1() }],
        "sin": [S("sin", [[3]]) { try $0[0].sin() }],
        "cos": [S("cos", [[3]]) { try $0[0].cos() }],
        "tan": [S("tan", [[3]]) { try $0[0].tan() }],
        "sinh": [S("sinh", [[3]]) { try $0[0].sinh() }],
        "cosh": [S("cosh", [[3]]) { try $0[0].cosh() }],
        "tanh": [S("tanh", [[2, 3]]) { try $0[0].tanh() }],
        "sigmoid": [S("sigmoid", [[4]]) { try $0[0].sigmoid() }],
        "relu": [S("relu", [[6]]) { try $0[0].relu() }],
        "tanh_backward": [S("tanh's backward", [[2, 3], [2, 3]], range: -0.9...0.9) { try $0[0].tanhBackward(output: $0[1]) }],
        "sigmoid_backward": [S("sigmoid's backward", [[4], [4]], range: 0.1...0.9) { try $0[0].sigmoidBackward(output: $0[1]) }],
        "gelu_backward": [
            S("exact", [[5], [5]], range: -2...2) { try $0[0].geluBackward($0[1], tanh: false) },
            S("tanh", [[5], [5]], range: -2...2) { try $0[0].geluBackward($0[1], tanh: true) },
        ],
        "softplus_backward": [S("beta 2 threshold 4", [[6], [6]], range: -3...3) { try $0[0].softplusBackward($0[1], beta: 2, threshold: 4) }],
        "_softmax_backward_data": [S("dim 1", [[2, 3], [2, 3]], range: 0.1...0.9) { try $0[0].softmaxBackwardData(output: $0[1], dim: 1) }],
        "_log_softmax_backward_data": [S("dim 0", [[3, 2], [3, 2]]) { try $0[0].logSoftmaxBackwardData(output: $0[1], dim: 0) }],
        "mse_loss_backward": [
            S("mean", [[], [2, 3], [2, 3]]) { try $0[0].mseLossBackward($0[1], $0[2], reduction: .mean) },
            S("none", [[3], [3], [3]]) { try $0[0].mseLossBackward($0[1], $0[2], reduction: .none) },
        ],
        "_reshape_alias": [S("reshape of a transposed matrix to its own shape", [[2, 3]]) { try $0[0].t().reshape([3, 2]) }],
        "copy_slices": [
            S("mul_ through a column of a transposed view", [[2, 3], [3]]) {
                let y = try $0[0].mul(2)
                try y.t().select(dim: 0, index: 1).mul_($0[1].slice(dim: 0, start: 0, end: 2))
                return try y.mul(y)
            },
        ],
        "as_strided": [
            S("a slice read after its base was written", [[4]]) {
                let y = try $0[0].mul(2)
                let v = try y.slice(dim: 0, start: 1, end: nil, step: 2)
                try y.add_(1)
                return try v.mul(v)
            },
        ],
        "add.Scalar": [S("a number added in a formula", [[3]]) { x in try inFormula(x[0]) { try $0.add(2).mul($0) } }],
        "sub.Scalar": [S("a number subtracted in a formula", [[3]]) { x in try inFormula(x[0]) { try $0.sub(0.5).mul($0) } }],
        "threshold_backward": [S("relu's backward", [[6], [6]]) { try $0[0].thresholdBackward(result: try $0[1].relu()) }],
        "erf": [S("erf", [[4]]) { try $0[0].erf() }],
        "gelu": [
            S("exact", [[5]], range: -2...2) { try $0[0].gelu() },
            S("tanh", [[5]], range: -2...2) { try $0[0].gelu(tanhApproximation: true) },
        ],
        "softplus": [S("beta 2 threshold 4", [[6]], range: -3...3) { try $0[0].softplus(beta: 2, threshold: 4) }],
        "clamp": [S("clamp", [[6]]) { try $0[0].clamp(min: -0.5, max: 0.5) }],
        "clamp.Tensor": [S("tensor bounds", [[2, 3], [3], [3]]) { try $0[0].clamp(min: try $0[1].mul(0.5).sub(0.5), max: try $0[2].mul(0.5).add(0.5)) }],
        "where.self": [S("where", [[2, 3], [3]]) { try Tensor.where(try $0[0].compare(.gt, 0), $0[0], $0[1]) }],
        "masked_fill.Scalar": [S("masked_fill", [[4]]) { try $0[0].maskedFill(try $0[0].compare(.gt, 0.5), 0) }],
        // Reductions
        "sum": [S("sum", [[2, 3]]) { try $0[0].sum() }, S("sum of empty", [[0, 2]]) { try $0[0].sum().add($0[0].sum()) }],
        "sum.dim_IntList": [
            S("dim 1", [[2, 3]]) { try $0[0].sum(dims: [1]) },
            S("dims [0, 2] keepdim", [[2, 3, 2]]) { try $0[0].sum(dims: [0, 2], keepDim: true) },
        ],
        "mean": [S("mean", [[2, 3]]) { try $0[0].mean() }],
        "mean.dim": [S("dim -1", [[2, 3]]) { try $0[0].mean(dims: [-1]) }, S("keepdim", [[3, 2]]) { try $0[0].mean(dims: [0], keepDim: true) }],
        "prod": [
            S("prod", [[4]], range: 0.5...1.5) { try $0[0].prod() },
            S("prod with a zero", [[4]], range: 0.5...1.5) { try $0[0].mul(try Tensor.make([1.0, 0, 1, 1], shape: [4], dtype: .float64, context: $0[0].context)).prod() },
        ],
        "prod.dim_int": [
            S("dim 1", [[2, 3]], range: 0.5...1.5) { try $0[0].prod(dim: 1) },
            S("dim 1 with zeros", [[2, 3]], range: 0.5...1.5) {
                try $0[0].mul(try Tensor.make([1.0, 0, 1, 0, 1, 0], shape: [2, 3], dtype: .float64, context: $0[0].context)).prod(dim: 1)
            },
        ],
        "cumsum": [S("dim 1", [[2, 3]]) { try $0[0].cumsum(dim: 1) }],
        "cumprod": [
            S("dim 1", [[2, 4]], range: 0.5...1.5) { try $0[0].cumprod(dim: 1) },
            S("with zeros", [[2, 4]], range: 0.5...1.5) {
                try $0[0].mul(try Tensor.make([1.0, 0, 1, 0, 1, 1, 0, 1], shape: [2, 4], dtype: .float64, context: $0[0].context)).cumprod(dim: 1)
            },
        ],
        "flip": [S("dim 0", [[3, 2]]) { try $0[0].flip(dim: 0) }],
        "max": [S("max", [[5]]) { try $0[0].max() }],
        "min": [S("min", [[2, 3]]) { try $0[0].min() }],
        "max.dim": [S("max dim", [[2, 3]]) { try $0[0].max(dim: 1).values }, S("keepdim", [[3, 2]]) { try $0[0].max(dim: 0, keepDim: true).values }],
        "min.dim": [S("min dim", [[2, 3]]) { try $0[0].min(dim: 1).values }],
        "amax": [S("amax", [[2, 3]]) { try $0[0].amax(dims: [1]) }],
        "amin": [S("amin", [[2, 3]]) { try $0[0].amin(dims: [0], keepDim: true) }],
        "var.correction": [S("var", [[2, 4]]) { try $0[0].variance(dims: [1]) }, S("var all, correction 0", [[5]]) { try $0[0].variance(correction: 0) }],
        "std.correction": [S("std", [[3, 4]]) { try $0[0].standardDeviation(dims: [0], keepDim: true) }],
        "linalg_vector_norm": [
            S("p 2", [[2, 3]]) { try $0[0].norm() },
            S("p 1 dim 1", [[2, 3]]) { try $0[0].norm(p: 1, dims: [1]) },
            S("p 3", [[4]]) { try $0[0].norm(p: 3) },
            S("p inf", [[4]]) { try $0[0].norm(p: .infinity) },
        ],
        "logsumexp": [S("logsumexp", [[2, 3]]) { try $0[0].logsumexp(dims: [1]) }],
        "_softmax": [S("softmax", [[2, 3]]) { try $0[0].softmax(dim: 1) }],
        "_log_softmax": [S("log_softmax", [[2, 3]]) { try $0[0].logSoftmax(dim: 0) }],
        // Linear algebra
        "mm": [S("mm", [[2, 3], [3, 4]]) { try $0[0].mm($0[1]) }, S("mm transposed", [[3, 2], [3, 4]]) { try transposed($0[0]).mm($0[1]) }],
        "mv": [S("mv", [[2, 3], [3]]) { try $0[0].mv($0[1]) }],
        "dot": [S("dot", [[4], [4]]) { try $0[0].dot($0[1]) }],
        "bmm": [S("bmm", [[2, 2, 3], [2, 3, 2]]) { try $0[0].bmm($0[1]) }],
        "addmm": [S("linear", [[2, 3], [4, 3], [4]]) { try $0[0].linear(weight: $0[1], bias: $0[2]) }],
        // Views and copies
        "view": [S("view", [[2, 3]]) { try $0[0].view([3, 2]) }],
        "_unsafe_view": [S("reshape of a transposed tensor", [[2, 3]]) { try transposed($0[0]).reshape([6]) }],
        "expand": [S("expand", [[3, 1]]) { try $0[0].expand([2, 3, 4]) }],
        "permute": [S("permute", [[2, 3, 4]]) { try $0[0].permute([2, 0, 1]) }],
        "t": [S("t", [[2, 3]]) { try $0[0].t() }],
        "transpose.int": [S("transpose", [[2, 3, 4]]) { try $0[0].transpose(0, 2) }],
        "squeeze": [S("squeeze", [[2, 1, 3]]) { try $0[0].squeeze() }],
        "squeeze.dim": [S("squeeze dim", [[2, 1, 3]]) { try $0[0].squeeze(dims: [1]) }],
        "squeeze.dims": [S("squeeze dims", [[1, 2, 1]]) { try $0[0].squeeze(dims: [0, 2], asList: true) }],
        "squeeze_.dim": [S("1-d @ 2-d", [[3], [3, 2]]) { try $0[0].matmul($0[1]) }],
        "unsqueeze": [S("unsqueeze", [[2, 3]]) { try $0[0].unsqueeze(1) }],
        "select.int": [S("select", [[2, 3]]) { try $0[0].select(dim: 1, index: -1) }],
        "slice.Tensor": [S("slice with step", [[2, 5]]) { try $0[0].slice(dim: 1, start: 1, end: nil, step: 2) }],
        "select_backward": [S("select_backward", [[3]]) { try $0[0].selectBackward(shape: [2, 3], dim: 0, index: 1) }],
        "slice_backward": [S("slice_backward", [[2, 2]]) { try $0[0].sliceBackward(shape: [2, 5], dim: 1, start: 0, end: 4, step: 2) }],
        "clone": [S("clone", [[2, 3]]) { try transposed($0[0]).clone() }],
        "_to_copy": [S("cast through float32", [[3]], eps: 1e-2) { try $0[0].cast(to: .float32).cast(to: .float64) }],
        "cat": [S("cat", [[2, 3], [1, 3]]) { try Tensor.cat([$0[0], $0[1]], dim: 0) }, S("cat with an empty", [[2], [0]]) { try Tensor.cat([$0[0], $0[1]]) }],
        "stack": [S("stack", [[2, 3], [2, 3]]) { try Tensor.stack([$0[0], $0[1]], dim: 1) }],
        "split.Tensor": [S("split", [[5, 2]]) { try $0[0].split(size: 2)[1] }],
        "split_with_sizes": [S("split sizes", [[2, 5]]) { let p = try $0[0].split(sizes: [2, 3], dim: 1); return try p[0].sum().add(try p[1].mul(p[1]).sum()) }],
        "index.Tensor": [S("advanced, repeated", [[3, 2]]) { try $0[0].index([.tensor(try Tensor.make([2, 0, 2], shape: [3], context: $0[0].context))]) }],
        "index_put": [S("index_put", [[3]]) { try $0[0].indexPutIntoZeros(AdvancedIndex(indices: [try Tensor.make([1, 3, 1], shape: [3], context: $0[0].context)], indexShape: [3], inputShape: [4])) }],
        "gather": [S("gather", [[2, 3]]) { try $0[0].gather(dim: 1, index: try Tensor.make([0, 2, 1, 1], shape: [2, 2], context: $0[0].context)) }],
        "scatter.src": [S("scatter", [[2, 2]]) { try $0[0].scatterIntoZeros(shape: [2, 3], dim: 1, index: try Tensor.make([2, 0, 1, 2], shape: [2, 2], context: $0[0].context)) }],
        "scatter_add": [S("scatter_add", [[2, 2]]) { try $0[0].scatterAddIntoZeros(shape: [2, 3], dim: 1, index: try Tensor.make([2, 2, 1, 1], shape: [2, 2], context: $0[0].context)) }],
        // In-place writes
        "zero_": [S("zero_", [[3]]) { let y = try $0[0].mul(2); try y.zero_(); return try y.add($0[0]) }],
        "fill_.Scalar": [S("fill_", [[3]]) { let y = try $0[0].mul(2); try y.fill_(1.5); return try y.add($0[0]) }],
        "fill_.Tensor": [S("fill_ tensor", [[3], []]) { let y = try $0[0].mul(2); try y.fill_($0[1]); return try y.mul($0[0]) }],
        "copy_": [S("copy_", [[2, 3], [3]]) { let y = try $0[0].mul(2); try y.copy_($0[1]); return try y.mul($0[0]) }],
        // Losses
        "mse_loss": [S("mean", [[2, 3], [2, 3]]) { try $0[0].mseLoss($0[1]) }, S("none", [[3], [3]]) { try $0[0].mseLoss($0[1], reduction: .none) }],
        "binary_cross_entropy": [S("weighted", [[4], [4], [4]], range: 0.1...0.9, constants: [2]) { try $0[0].binaryCrossEntropy($0[1], weight: $0[2]) }],
        "binary_cross_entropy_backward": [
            S("weighted, mean", [[], [4], [4], [4]], range: 0.1...0.9, constants: [3]) {
                try $0[0].binaryCrossEntropyBackward($0[1], $0[2], weight: $0[3], reduction: .mean)
            },
            S("none", [[3], [3], [3]], range: 0.1...0.9) { try $0[0].binaryCrossEntropyBackward($0[1], $0[2], weight: nil, reduction: .none) },
        ],
        "binary_cross_entropy_with_logits": [
            S("pos_weight", [[2, 3], [2, 3], [3]], range: 0.1...0.9, constants: [2]) { try $0[0].binaryCrossEntropyWithLogits($0[1], posWeight: $0[2]) },
            S("weight, sum", [[3], [3], [3]], range: 0.1...0.9, constants: [2]) { try $0[0].binaryCrossEntropyWithLogits($0[1], weight: $0[2], reduction: .sum) },
        ],
        "nll_loss": [
            S("weighted mean", [[3, 4], [4]], range: 0.1...1, constants: [1]) { try $0[0].nllLoss(try Tensor.make([1, 3, 0], shape: [3], context: $0[0].context), weight: $0[1]) },
            S("cross entropy with label smoothing", [[2, 3]]) { try $0[0].crossEntropy(try Tensor.make([2, 0], shape: [2], context: $0[0].context), labelSmoothing: 0.1) },
        ],
        "nll_loss2d": [
            S("4-d", [[2, 3, 1, 2]]) { try $0[0].nllLoss(try Tensor.make([0, 2, 1, 1], shape: [2, 1, 2], context: $0[0].context)) },
            S("3-d, none", [[2, 3, 2]]) { try $0[0].nllLoss(try Tensor.make([0, 2, 1, 1], shape: [2, 2], context: $0[0].context), reduction: .none) },
        ],
        "nll_loss2d_backward": [
            S("none", [[2, 1, 2], [2, 3, 1, 2]]) {
                let target = try Tensor.make([0, 2, 1, 1], shape: [2, 1, 2], context: $0[0].context)
                let plan = try NLLPlan(spatialInput: $0[1], target: target, weight: nil, ignoreIndex: -100)
                return try $0[0].nllLossBackward(input: $0[1], target: target, weight: nil, plan, reduction: .none)
            },
        ],
        "nll_loss_backward": [
            S("none", [[3], [3, 4]]) {
                let target = try Tensor.make([1, 3, 0], shape: [3], context: $0[0].context)
                let plan = try NLLPlan(input: $0[1], target: target, weight: nil, ignoreIndex: -100)
                return try $0[0].nllLossBackward(input: $0[1], target: target, weight: nil, plan, reduction: .none)
            },
        ],
    ]
}

@Suite("The gradient checker itself")
struct GradcheckerTests {
    @Test("a wrong derivative is caught: d/dx (x.detach() * x) is not x")
    func catchesWrongDerivatives() throws {
        let c = context(.float64)
        let x = try c.tensor([0.5, -1.5, 2.0], requiresGrad: true)
        let problem = try Gradcheck.check({ try $0[0].detach().mul($0[0]) }, [x])
        #expect(problem != nil)
    }
}

/// Runs `body` as the backward walk runs derivative formulas (numbers are C++ `Scalar`s).
private func inFormula(_ x: Tensor, _ body: (Tensor) throws -> Tensor) rethrows -> Tensor {
    x.context.runsBackwardFormulas = true
    defer { x.context.runsBackwardFormulas = false }
    return try body(x)
}
