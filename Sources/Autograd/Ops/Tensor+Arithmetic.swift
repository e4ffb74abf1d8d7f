// The binary arithmetic ops: add, sub, rsub, mul, div, pow, maximum, minimum.
//
// A Python number as the second operand is "wrapped" as torch wraps it: the op records its
// `.Tensor` overload with a `None` edge for the number (`x + 2` is AddBackward0 with two
// next_functions). The `.Scalar` overloads (`rsub(x, 2)`, `2 ** x`) take one edge.
//
// Backward formulas are torch's C++, where a number is a `Scalar`: while the walk runs them
// (`Context.runsBackwardFormulas`), `x + 2`, `x - 2`, `x * 2` and `x / 2` record the `.Scalar`
// overloads (AddBackward1, SubBackward1, MulBackward1, DivBackward1) and `2 - x` is C++'s
// `empty_like(x).fill_(2).sub_(x)` (SubBackward0 with a None first edge).

private let addRule = Derivatives.named("add.Tensor")
private let subRule = Derivatives.named("sub.Tensor")
private let rsubTensorRule = Derivatives.named("rsub.Tensor")
private let rsubScalarRule = Derivatives.named("rsub.Scalar")
private let mulRule = Derivatives.named("mul.Tensor")
private let addScalarRule = Derivatives.named("add.Scalar")
private let subScalarRule = Derivatives.named("sub.Scalar")

private let divRule = Derivatives.named("div.Tensor")
private let divModeRule = Derivatives.named("div.Tensor_mode")
private let powScalarRule = Derivatives.named("pow.Tensor_Scalar")
private let powTensorRule = Derivatives.named("pow.Tensor_Tensor")
private let powBaseRule = Derivatives.named("pow.Scalar")
private let maximumRule = Derivatives.named("maximum")
private let minimumRule = Derivatives.named("minimum")

extension Tensor {
    /// `torch.add(self, other, alpha=alpha)`: `self + alpha * other`. Backward: AddBackward0.
    public func add(_ other: Tensor, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(.add, self, other, alpha: alpha.doubleValue == 1 ? nil : alpha)
        try addRule.record(self, other, output: out)?.attributes.scalar2 = alpha
        return out
    }

    /// `self + other` for a Python number. Backward: AddBackward0 (AddBackward1 in a formula).
    public func add(_ other: Scalar, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.binary(.add, self, other, alpha: alpha.doubleValue == 1 ? nil : alpha)
        if context.runsBackwardFormulas {
            try addScalarRule.record(self, output: out)
        } else {
            try addRule.record(self, nil, output: out)?.attributes.scalar2 = alpha
        }
        return out
    }

    /// `torch.sub(self, other, alpha=alpha)`: `self - alpha * other`. Backward: SubBackward0.
    public func sub(_ other: Tensor, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(.sub, self, other, alpha: alpha.doubleValue == 1 ? nil : alpha)
        try subRule.record(self, other, output: out)?.attributes.scalar2 = alpha
        return out
    }

    /// `self - other` for a Python number. Backward: SubBackward0.
    public func sub(_ other: Scalar, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.binary(.sub, self, other, alpha: alpha.doubleValue == 1 ? nil : alpha)
        if context.runsBackwardFormulas {
            try subScalarRule.record(self, output: out)
        } else {
            try subRule.record(self, nil, output: out)?.attributes.scalar2 = alpha
        }
        return out
    }

    /// `torch.add(number, other, alpha=alpha)`: `number + alpha * other`, the number wrapped as
    /// torch's argument parser wraps a number given for a tensor. Backward: AddBackward0 (the
    /// number's edge None).
    public static func add(_ number: Scalar, _ other: Tensor, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(other)
        let out = try Kernels.binary(.add, try wrapped(number, with: other), other, alpha: alpha.doubleValue == 1 ? nil : alpha)
        try addRule.record(nil, other, output: out)?.attributes.scalar2 = alpha
        return out
    }

    /// `torch.sub(number, other, alpha=alpha)`: `number - alpha * other`. Backward: SubBackward0.
    public static func sub(_ number: Scalar, _ other: Tensor, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(other)
        try Kernels.checkSubtraction(number.wrappedDType(defaultFloat: other.context.defaultDType), other.dtype)
        let out = try Kernels.binary(.sub, try wrapped(number, with: other), other, alpha: alpha.doubleValue == 1 ? nil : alpha)
        try subRule.record(nil, other, output: out)?.attributes.scalar2 = alpha
        return out
    }

    /// A Python number as torch wraps it for a tensor argument: it takes part in type promotion
    /// as a number does, so it is made here a 0-d tensor of the type it promotes to with `other`.
    private static func wrapped(_ number: Scalar, with other: Tensor) throws(TensorError) -> Tensor {
        var types = ResultType()
        types.add(other)
        types.add(number, defaultFloat: other.context.defaultDType)
        return try Tensor.full([], number, dtype: types.result, context: other.context)
    }

    /// `torch.rsub(self, other, alpha=alpha)`: `other - alpha * self`. Backward: RsubBackward0.
    public func rsub(_ other: Tensor, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(.sub, other, self, alpha: alpha.doubleValue == 1 ? nil : alpha)
        try rsubTensorRule.record(self, other, output: out)?.attributes.scalar2 = alpha
        return out
    }

    /// `other - alpha * self` for a Python number (`2 - x`). Backward: RsubBackward1.
    public func rsub(_ other: Scalar, alpha: Scalar = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let scaled = alpha.doubleValue == 1 ? self : try Kernels.binary(.mul, self, alpha)
        let out = try Kernels.binary(.sub, scaled, other, scalarFirst: true)
        if context.runsBackwardFormulas {
            try subRule.record(nil, self, output: out)?.attributes.scalar2 = alpha
        } else {
            try rsubScalarRule.record(self, output: out)?.attributes.scalar2 = alpha
        }
        return out
    }

    /// `torch.mul(self, other)`. Backward: MulBackward0.
    public func mul(_ other: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(.mul, self, other)
        try mulRule.record(self, other, output: out)?.saveCrossed(self, as: .`self`, other, as: .other)
        return out
    }

    /// `self * other` for a Python number. Backward: MulBackward0 (MulBackward1 in a formula).
    public func mul(_ other: Scalar) throws(TensorError) -> Tensor {
        context.runsBackwardFormulas ? try mulScalar(other) : try mul(wrapped: other)
    }

    /// `self * other` with `other` a wrapped number tensor, as torch's own formulas multiply by a
    /// saved Python number. Backward: MulBackward0.
    func mul(wrapped other: Scalar) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.binary(.mul, self, other)
        try mulRule.record(self, nil, output: out)?.attributes.scalar = other
        return out
    }

    /// `torch.div(self, other)`: true division. Backward: DivBackward0.
    public func div(_ other: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(.div, self, other)
        if let node = try divRule.record(self, other, output: out) {
            node.save(self, as: .`self`, checked: node.needsGradient(1))   // read by other's formula only
            node.save(other, as: .other)
        }
        return out
    }

    /// `self / other` for a Python number. Backward: DivBackward0.
    public func div(_ other: Scalar) throws(TensorError) -> Tensor {
        context.runsBackwardFormulas ? try divScalar(other) : try div(wrapped: other)
    }

    /// `self / other` with `other` a wrapped number tensor. Backward: DivBackward0.
    func div(wrapped other: Scalar) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.binary(.div, self, other)
        try divRule.record(self, nil, output: out)?.attributes.scalar = other
        return out
    }

    /// How `div` rounds its quotient (`rounding_mode`).
    public enum RoundingMode: String, Sendable { case trunc, floor }

    /// `torch.div(self, other, rounding_mode=mode)`. Backward: DivBackward2 (zero gradients).
    public func div(_ other: Tensor, roundingMode mode: RoundingMode) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(mode == .floor ? .floorDivide : .truncDivide, self, other)
        if out.dtype.isFloatingPoint, let node = try divModeRule.record(self, other, output: out) {
            node.save(self, as: .`self`, checked: node.needsGradient(1))   // torch saves them as for div
            node.save(other, as: .other)
        }
        return out
    }

    /// `torch.div(self, other, rounding_mode=mode)` for a Python number. Backward: DivBackward2.
    public func div(_ other: Scalar, roundingMode mode: RoundingMode) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.binary(mode == .floor ? .floorDivide : .truncDivide, self, other)
        if out.dtype.isFloatingPoint { try divModeRule.record(self, nil, output: out) }
        return out
    }

    /// `other / self` for a Python number: Python evaluates it as `self.reciprocal() * other`,
    /// so the graph holds ReciprocalBackward0 under MulBackward0.
    public func rdiv(_ other: Scalar) throws(TensorError) -> Tensor {
        try reciprocal().mul(other)
    }

    /// `self ** exponent` for a Python number. Backward: PowBackward0.
    public func pow(_ exponent: Scalar) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.binary(.pow, self, exponent)
        if let node = try powScalarRule.record(self, output: out) {
            node.save(self)
            node.attributes.scalar = exponent
        }
        return out
    }

    /// `self ** exponent` elementwise. Backward: PowBackward1.
    public func pow(_ exponent: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, exponent)
        let out = try Kernels.binary(.pow, self, exponent)
        if let node = try powTensorRule.record(self, exponent, output: out) {
            node.save(self, as: .`self`, exponent, as: .exponent)
            node.saveResult(out)
        }
        return out
    }

    /// `base ** exponent` for a Python number `base`. Backward: PowBackward2.
    public static func pow(_ base: Scalar, _ exponent: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(exponent)
        let out = try Kernels.binary(.pow, exponent, base, scalarFirst: true, rowMajor: true)
        if let node = try powBaseRule.record(exponent, output: out) {
            node.save(exponent)
            node.saveResult(out)
            node.attributes.scalar = base
        }
        return out
    }

    /// `torch.square`: `self ** 2`, recorded as torch records it. Backward: PowBackward0.
    public func square() throws(TensorError) -> Tensor {
        try pow(2)   // a bool tensor squares to int64, as in torch 2.15
    }

    /// `torch.maximum`: the elementwise maximum (NaN propagates). Backward: MaximumBackward0.
    public func maximum(_ other: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(.maximum, self, other)
        try maximumRule.record(self, other, output: out)?.save(self, as: .`self`, other, as: .other)
        return out
    }

    /// `torch.minimum`: the elementwise minimum (NaN propagates). Backward: MinimumBackward0.
    public func minimum(_ other: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        let out = try Kernels.binary(.minimum, self, other)
        try minimumRule.record(self, other, output: out)?.save(self, as: .`self`, other, as: .other)
        return out
    }
}
