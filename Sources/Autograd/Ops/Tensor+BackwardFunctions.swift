// torch's `*_backward` functions that have derivatives of their own (the rows `tanh_backward`,
// `_softmax_backward_data`, `mse_loss_backward`, … of derivatives.yaml). A first derivative that
// torch computes with one of them is computed here as one op and recorded as one node over the
// same inputs, so that under `create_graph` the gradient has torch's `grad_fn`
// (`TanhBackwardBackward0`, …) and depends on what torch's depends on; the second derivatives
// are these nodes' rows in the table.

private let thresholdBackwardRule = Derivatives.named("threshold_backward")
private let tanhBackwardRule = Derivatives.named("tanh_backward")
private let sigmoidBackwardRule = Derivatives.named("sigmoid_backward")
private let geluBackwardRule = Derivatives.named("gelu_backward")
private let softplusBackwardRule = Derivatives.named("softplus_backward")
private let softmaxBackwardRule = Derivatives.named("_softmax_backward_data")
private let logSoftmaxBackwardRule = Derivatives.named("_log_softmax_backward_data")
private let mseBackwardRule = Derivatives.named("mse_loss_backward")
private let bceBackwardRule = Derivatives.named("binary_cross_entropy_backward")
private let nllBackwardRule = Derivatives.named("nll_loss_backward")
private let nll2dBackwardRule = Derivatives.named("nll_loss2d_backward")

extension Tensor {
    /// Computes `value` without recording its parts, then records `rule` over `inputs` (self, the
    /// incoming gradient, first) and saves them in that order. `unread`: the saved positions no
    /// formula of the rule reads, which torch does not save, so writing them in place is no
    /// error (threshold_backward reads no `grad_output`; nll_loss_backward neither it nor `self`).
    /// `constants`: tensors a formula reads that are not inputs of the node (nll_loss_backward's
    /// target and weight), saved after them so that torch's version check covers them too.
    private func backwardFunction(_ rule: Derivative, _ inputs: [Tensor], unread: Set<Int> = [], constants: [Tensor] = [],
                                  _ value: () throws(TensorError) -> Tensor) throws(TensorError) -> (Tensor, Node?) {
        let out = try context.withGradMode(false, value)
        guard let node = try rule.record(inputs: [self] + inputs, outputs: [out]) else { return (out, nil) }
        for (position, tensor) in ([self] + inputs).enumerated() { node.save(tensor, checked: !unread.contains(position)) }
        for constant in constants { node.save(constant, checked: true) }
        return (out, node)
    }

    /// relu's backward, `threshold_backward(grad, result, 0)`: 0 where the result is at most 0,
    /// else the gradient (so a NaN result passes it, as in torch). Backward: ThresholdBackwardBackward0.
    func thresholdBackward(result: Tensor) throws(TensorError) -> Tensor {
        try backwardFunction(thresholdBackwardRule, [result], unread: [0]) { () throws(TensorError) in
            // torch's kernel iterates (self, grad): the result is laid out as `result` is
            try Kernels.floatingMap(result, self, double: { r, g in r <= 0 ? 0 : g }, float: { r, g in r <= 0 ? 0 : g })
        }.0
    }

    /// `tanh_backward(grad, output)`: `grad * (1 - output²)`. Backward: TanhBackwardBackward0.
    func tanhBackward(output: Tensor) throws(TensorError) -> Tensor {
        try backwardFunction(tanhBackwardRule, [output]) { () throws(TensorError) in
            try mul(try output.mul(output).rsub(.int(1)))
        }.0
    }

    /// `sigmoid_backward(grad, output)`: `grad * (1 - output) * output`.
    /// Backward: SigmoidBackwardBackward0.
    func sigmoidBackward(output: Tensor) throws(TensorError) -> Tensor {
        try backwardFunction(sigmoidBackwardRule, [output]) { () throws(TensorError) in
            try mul(try output.rsub(.int(1))).mul(output)
        }.0
    }

    /// `gelu_backward(grad, self, approximate)`: `grad * gelu'(self)`, exact or tanh-approximated.
    /// Backward: GeluBackwardBackward0.
    func geluBackward(_ x: Tensor, tanh: Bool) throws(TensorError) -> Tensor {
        let (out, node) = try backwardFunction(geluBackwardRule, [x]) { () throws(TensorError) in
            try mul(try geluDerivative(x, tanh: tanh))
        }
        node?.attributes.scalar = .bool(tanh)
        return out
    }

    /// `softplus_backward(grad, self, beta, threshold)`: `grad * z / (z + 1)` with `z = exp(beta x)`, and `grad` where
    /// `beta x > threshold`. Backward: SoftplusBackwardBackward0.
    func softplusBackward(_ x: Tensor, beta: Scalar, threshold: Scalar) throws(TensorError) -> Tensor {
        let (out, node) = try backwardFunction(softplusBackwardRule, [x]) { () throws(TensorError) in
            // torch's kernel over (grad, self): z = exp(x beta), grad * z / (z + 1) (not a
            // sigmoid, whose exp(-x) overflows where torch's result is a denormal)
            let b = beta.doubleValue, t = threshold.doubleValue
            return try Kernels.floatingMap(self, x, double: { g, v in
                let z = Double.exp(v * b)
                return v * b > t ? g : g * z / (z + 1)
            }, float: { g, v in
                let bf = Float(b), z = Float.exp(v * bf)
                return v * bf > Float(t) ? g : g * z / (z + 1)
            })
        }
        node?.attributes.scalar = beta
        node?.attributes.scalar2 = threshold
        return out
    }

    /// `_softmax_backward_data(grad, output, dim)`: `output * (grad - (grad * output).sum(dim))`.
    /// Backward: SoftmaxBackwardDataBackward0.
    func softmaxBackwardData(output: Tensor, dim: Int) throws(TensorError) -> Tensor {
        let (out, node) = try backwardFunction(softmaxBackwardRule, [output]) { () throws(TensorError) in
            try output.mul(try sub(try mul(output).sum(dims: [dim], keepDim: true)))
        }
        node?.attributes.dims = [dim]
        return out
    }

    /// `_log_softmax_backward_data(grad, output, dim)`: `grad - exp(output) * grad.sum(dim)`.
    /// Backward: LogSoftmaxBackwardDataBackward0.
    func logSoftmaxBackwardData(output: Tensor, dim: Int) throws(TensorError) -> Tensor {
        let (out, node) = try backwardFunction(logSoftmaxBackwardRule, [output]) { () throws(TensorError) in
            try sub(try output.exp().mul(try sum(dims: [dim], keepDim: true)))
        }
        node?.attributes.dims = [dim]
        return out
    }

    /// `mse_loss_backward(grad, self, target, reduction)`: `2 (self - target) grad`, over the
    /// element count for mean. Backward: MseLossBackwardBackward0.
    func mseLossBackward(_ x: Tensor, _ target: Tensor, reduction: Reduction) throws(TensorError) -> Tensor {
        let (out, node) = try backwardFunction(mseBackwardRule, [x, target]) { () throws(TensorError) in
            // the kernel's difference, in the promoted dtype (a bool or int64 target included)
            var types = ResultType()
            types.add(x)
            types.add(target)
            let difference = try x.converted(to: types.result).sub(try target.converted(to: types.result))
            let out = try difference.mul(mseScale(x, target, reduction)).mul(self).converted(to: x.dtype)
            // torch's kernel writes into zeros_like(input, LEGACY_CONTIGUOUS_MEMORY_FORMAT): row-major,
            // in the input's dtype (computed in the promoted one)
            return out.hasRowMajorStrides ? out : try out.clone(contiguous: true)
        }
        node?.attributes.integers = [reduction.code]
        return out
    }

    /// binary_cross_entropy's gradient for the input, `binary_cross_entropy_backward(grad, input,
    /// target, weight)`: `grad (x - t) / max((1 - x) x, 1e-12)` times the weight (over numel for
    /// mean). Backward: BinaryCrossEntropyBackwardBackward0.
    func binaryCrossEntropyBackward(_ x: Tensor, _ t: Tensor, weight: Tensor?, reduction: Reduction) throws(TensorError) -> Tensor {
        let (out, node) = try backwardFunction(bceBackwardRule, [x, t]) { () throws(TensorError) in
            // torch's EPSILON reaches the kernel as a float: 1e-12 rounded to 9.99999996e-13
            let denominator = try x.rsub(.int(1)).mul(x).clamp(min: .double(Double(Float(1e-12))), max: nil)
            var value = try mul(try x.sub(t)).div(denominator)
            if let weight { value = try value.mul(weight) }
            if reduction == .mean { value = try value.div(.int(Int64(x.count))) }
            // torch's kernel writes into empty_like(input): the input's layout
            let out = try x.emptyLike(dtype: value.dtype)
            Kernels.copy(from: value, into: out)
            return out
        }
        if let node {
            if let weight { node.save(weight) }
            node.attributes.integers = [reduction.code, weight == nil ? 0 : 1]
        }
        return out
    }

    /// nll_loss's backward, `nll_loss_backward(grad, input, target, …)`: `-weight * grad` at each
    /// picked class. Backward: NllLossBackwardBackward0 (NllLoss2DBackwardBackward0 for 4-d input).
    func nllLossBackward(input: Tensor, target: Tensor, weight: Tensor?, _ plan: NLLPlan,
                         reduction: Reduction) throws(TensorError) -> Tensor {
        let rule = input.rank == 4 ? nll2dBackwardRule : nllBackwardRule
        let constants = [target] + (weight.map { [$0] } ?? [])
        let (out, node) = try backwardFunction(rule, [input], unread: [0, 1], constants: constants) { () throws(TensorError) in
            try plan.backward(self, inputShape: input.shape, reduction: reduction)
        }
        if let node {
            node.attributes.integers = [reduction.code]
            node.attributes.payload = plan
        }
        return out
    }
}

/// torch's `mse_loss_double_backward`: `2 * grad`, divided in place by the input's count for a
/// mean (two roundings, as torch's; the division counts in the result's version).
func mseDoubleBackward(_ grad: Tensor, _ input: Tensor, _ reduction: Reduction) throws(TensorError) -> Tensor {
    let out = try grad.mul(.int(2))
    if reduction == .mean { try out.div_(.int(Int64(input.count))) }
    return out
}

/// mse_loss's factor: 2, or 2 over the element count for mean.
func mseScale(_ x: Tensor, _ target: Tensor, _ reduction: Reduction) throws(TensorError) -> Scalar {
    let n = Swift.max(Shape.product(try Shape.broadcast(x.shape, target.shape)), 1)
    return reduction == .mean ? .double(2 / Double(n)) : .int(2)
}
