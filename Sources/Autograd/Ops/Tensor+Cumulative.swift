// Cumulative ops along one dimension, and flip: not in the wire's op set, but the ops torch's
// own derivative formulas are written with (prod's backward with zeros, and cumprod's), so that
// a graph built under create_graph has torch's nodes. Those formulas call them on floating
// tensors only (through double precision, as `Kernels.alongDim` works, so without torch's
// promotion of integer and bool inputs to int64), and their results are row-major.

private let cumsumRule = Derivatives.named("cumsum")
private let cumprodRule = Derivatives.named("cumprod")
private let flipRule = Derivatives.named("flip")

extension Tensor {
    /// `torch.cumsum(x, dim)`: running sums, accumulated in double precision as torch's CPU
    /// kernel accumulates float32. Backward: CumsumBackward0.
    func cumsum(dim: Int) throws(TensorError) -> Tensor {
        try cumulative(dim: dim, cumsumRule, saving: false) { line, out in
            var sum = 0.0
            for i in 0..<line.count { sum += line[i]; out[i] = sum }
        }
    }

    /// `torch.cumprod(x, dim)`: running products, accumulated in double precision as torch's
    /// CPU kernel accumulates float32. Backward: CumprodBackward0.
    func cumprod(dim: Int) throws(TensorError) -> Tensor {
        try cumulative(dim: dim, cumprodRule, saving: true) { line, out in
            var product = 1.0
            for i in 0..<line.count { product *= line[i]; out[i] = product }
        }
    }

    /// `torch.flip(x, [dim])`: the elements along `dim` in reverse order (a copy, as torch's).
    /// Backward: FlipBackward0.
    func flip(dim: Int) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let d = try Shape.wrap(dim, rank: rank)
        let out = try Kernels.alongDim(self, dim: d) { line, out in
            for i in 0..<line.count { out[line.count - 1 - i] = line[i] }
        }
        try flipRule.record(self, output: out)?.attributes.dims = [d]
        return out
    }

    private func cumulative(dim: Int, _ rule: Derivative, saving: Bool,
                            _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let d = try Shape.wrap(dim, rank: rank)
        let out = try Kernels.alongDim(self, dim: d, body)
        if let node = try rule.record(self, output: out) {
            node.attributes.dims = [d]
            if saving {
                node.save(self)
                node.saveResult(out)
            }
        }
        return out
    }
}
