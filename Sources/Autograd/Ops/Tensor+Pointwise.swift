// The pointwise functions of one tensor, clamp and where.

private let negRule = Derivatives.named("neg")
private let absRule = Derivatives.named("abs")
private let signRule = Derivatives.named("sign")
private let sgnRule = Derivatives.named("sgn")
private let reciprocalRule = Derivatives.named("reciprocal")
private let sqrtRule = Derivatives.named("sqrt")
private let rsqrtRule = Derivatives.named("rsqrt")
private let expRule = Derivatives.named("exp")
private let logRule = Derivatives.named("log")
private let log1pRule = Derivatives.named("log1p")
private let expm1Rule = Derivatives.named("expm1")
private let sinRule = Derivatives.named("sin")
private let cosRule = Derivatives.named("cos")
private let tanRule = Derivatives.named("tan")
private let sinhRule = Derivatives.named("sinh")
private let coshRule = Derivatives.named("cosh")
private let tanhRule = Derivatives.named("tanh")
private let sigmoidRule = Derivatives.named("sigmoid")
private let reluRule = Derivatives.named("relu")
private let geluRule = Derivatives.named("gelu")
private let softplusRule = Derivatives.named("softplus")
private let clampRule = Derivatives.named("clamp")
private let clampTensorRule = Derivatives.named("clamp.Tensor")
private let whereRule = Derivatives.named("where.self")

extension Tensor {
    /// What a pointwise rule reads back: its input, its result, or nothing.
    private enum Saves { case input, result, nothing }

    private func pointwise(_ op: UnaryOp, _ rule: Derivative, saves: Saves) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.unary(op, self)
        if let node = try rule.record(self, output: out) {
            switch saves {
            case .input: node.save(self)
            case .result: node.saveResult(out)
            case .nothing: break
            }
        }
        return out
    }

    /// `torch.neg`. Backward: NegBackward0.
    public func neg() throws(TensorError) -> Tensor { try pointwise(.neg, negRule, saves: .nothing) }
    /// `torch.abs`; the gradient at 0 is 0 (torch's `sgn`). Backward: AbsBackward0.
    public func abs() throws(TensorError) -> Tensor { try pointwise(.abs, absRule, saves: .input) }
    /// `torch.sign`; its gradient is zero. Backward: SignBackward0.
    public func sign() throws(TensorError) -> Tensor { try pointwise(.sign, signRule, saves: .nothing) }
    /// `torch.sgn`, the same values for real tensors; torch's formulas call it. Backward: SgnBackward0.
    func sgn() throws(TensorError) -> Tensor { try pointwise(.sign, sgnRule, saves: .nothing) }
    /// `torch.reciprocal`. Backward: ReciprocalBackward0.
    public func reciprocal() throws(TensorError) -> Tensor { try pointwise(.reciprocal, reciprocalRule, saves: .result) }
    /// `torch.sqrt`. Backward: SqrtBackward0.
    public func sqrt() throws(TensorError) -> Tensor { try pointwise(.sqrt, sqrtRule, saves: .result) }
    /// `torch.rsqrt`: `1 / sqrt(x)`. Backward: RsqrtBackward0.
    public func rsqrt() throws(TensorError) -> Tensor { try pointwise(.rsqrt, rsqrtRule, saves: .result) }
    /// `torch.exp`. Backward: ExpBackward0.
    public func exp() throws(TensorError) -> Tensor { try pointwise(.exp, expRule, saves: .result) }
    /// `torch.log`. Backward: LogBackward0.
    public func log() throws(TensorError) -> Tensor { try pointwise(.log, logRule, saves: .input) }
    /// `torch.log1p`: `log(1 + x)`, accurate near 0. Backward: Log1PBackward0.
    public func log1p() throws(TensorError) -> Tensor { try pointwise(.log1p, log1pRule, saves: .input) }
    /// `torch.expm1`: `exp(x) - 1`, accurate near 0. Backward: Expm1Backward0.
    public func expm1() throws(TensorError) -> Tensor { try pointwise(.expm1, expm1Rule, saves: .result) }
    /// `torch.sin`. Backward: SinBackward0.
    public func sin() throws(TensorError) -> Tensor { try pointwise(.sin, sinRule, saves: .input) }
    /// `torch.cos`. Backward: CosBackward0.
    public func cos() throws(TensorError) -> Tensor { try pointwise(.cos, cosRule, saves: .input) }
    /// `torch.tan`. Backward: TanBackward0.
    public func tan() throws(TensorError) -> Tensor { try pointwise(.tan, tanRule, saves: .result) }
    /// `torch.sinh` (the engine's own: torch's formulas use it). Backward: SinhBackward0.
    func sinh() throws(TensorError) -> Tensor { try pointwise(.sinh, sinhRule, saves: .input) }
    /// `torch.cosh` (the engine's own: gelu's tanh double backward divides by it). Backward: CoshBackward0.
    func cosh() throws(TensorError) -> Tensor { try pointwise(.cosh, coshRule, saves: .input) }
    /// `torch.tanh`. Backward: TanhBackward0.
    public func tanh() throws(TensorError) -> Tensor { try pointwise(.tanh, tanhRule, saves: .result) }
    /// `torch.sigmoid`. Backward: SigmoidBackward0.
    public func sigmoid() throws(TensorError) -> Tensor { try pointwise(.sigmoid, sigmoidRule, saves: .result) }
    /// `torch.relu`; the gradient at 0 is 0. Backward: ReluBackward0.
    public func relu() throws(TensorError) -> Tensor { try pointwise(.relu, reluRule, saves: .result) }

    /// `torch.nn.functional.gelu`, exact or tanh-approximated. Backward: GeluBackward0.
    public func gelu(tanhApproximation: Bool = false) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        guard dtype.isFloatingPoint else { throw .evaluation("\"GeluKernelImpl\" not implemented for '\(dtype.scalarTypeName)'") }
        let out = try Kernels.unary(tanhApproximation ? .geluTanh : .gelu, self)
        if let node = try geluRule.record(self, output: out) {
            node.save(self)
            node.attributes.scalar = .bool(tanhApproximation)
        }
        return out
    }

    /// `torch.nn.functional.softplus(x, beta, threshold)`: `log(1 + exp(beta x)) / beta`,
    /// the identity where `beta x > threshold`. Backward: SoftplusBackward0.
    public func softplus(beta: Double = 1, threshold: Double = 20) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        guard dtype.isFloatingPoint else { throw .evaluation("\"softplus_cpu\" not implemented for '\(dtype.scalarTypeName)'") }
        let out = try Kernels.softplus(self, beta: beta, threshold: threshold)
        if let node = try softplusRule.record(self, output: out) {
            node.save(self)
            node.attributes.scalar = .double(beta)
            node.attributes.scalar2 = .double(threshold)
        }
        return out
    }

    /// `torch.clamp(x, min, max)` with number bounds; the gradient passes where
    /// `min <= x <= max`. Backward: ClampBackward1.
    public func clamp(min lo: Scalar?, max hi: Scalar?) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        guard lo != nil || hi != nil else {
            throw .evaluation("torch.clamp: At least one of 'min' or 'max' must not be None")
        }
        let out = try Kernels.clamp(self, min: lo, max: hi)
        if let node = try clampRule.record(self, output: out) {
            node.save(self)
            node.attributes.integers = [lo == nil ? 0 : 1, hi == nil ? 0 : 1]
            node.attributes.scalar = lo ?? 0
            node.attributes.scalar2 = hi ?? 0
        }
        return out
    }

    /// `torch.clamp(x, min, max)` with tensor bounds (broadcast). Backward: ClampBackward0.
    public func clamp(min lo: Tensor?, max hi: Tensor?) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, lo, hi)
        guard lo != nil || hi != nil else {
            throw .evaluation("torch.clamp: At least one of 'min' or 'max' must not be None")
        }
        var out = self
        if let lo { out = try Kernels.binary(.maximum, out, lo) }
        if let hi { out = try Kernels.binary(.minimum, out, hi) }
        if let node = try clampTensorRule.record(self, lo, hi, output: out) {
            node.save(self, as: .`self`)
            if let lo { node.save(lo, as: .min) }
            if let hi { node.save(hi, as: .max) }
            node.attributes.integers = [lo == nil ? 0 : 1, hi == nil ? 0 : 1]
        }
        return out
    }

    /// `torch.where(condition, self, other)`: `self` where `condition`, else `other`, broadcast.
    /// Backward: WhereBackward0.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(a, b)
        guard condition.dtype == .bool else {
            throw .evaluation("where expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.scalarTypeName)")
        }
        let out = try Kernels.select(condition, a, b)
        if let node = try whereRule.record(a, b, output: out) { node.save(condition) }
        return out
    }
}

extension Kernels {
    /// `where(condition, a, b)` elementwise with broadcasting and promotion of `a` and `b`.
    static func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        var types = ResultType()
        types.add(a)
        types.add(b)
        let dtype = types.result
        // TensorIterator's order: the condition, then each operand in turn
        let shape = try Shape.broadcast(try Shape.broadcast(condition.shape, a.shape), b.shape)
        let out = try Tensor.pointwiseOutput(shape, dtype, a.context, condition, a, b)
        let x = try a.converted(to: dtype), y = try b.converted(to: dtype)
        switch dtype {
        case .float32: Loop.map(out, condition, x, y) { (c: Bool, p: Float, q: Float) in c ? p : q }
        case .float64: Loop.map(out, condition, x, y) { (c: Bool, p: Double, q: Double) in c ? p : q }
        case .int64: Loop.map(out, condition, x, y) { (c: Bool, p: Int64, q: Int64) in c ? p : q }
        case .bool: Loop.map(out, condition, x, y) { (c: Bool, p: Bool, q: Bool) in c ? p : q }
        }
        return out
    }
}
