import RealModule

/// Pointwise functions of one operand.
enum UnaryOp {
    case neg, abs, sign, relu
    case reciprocal, sqrt, rsqrt, exp, log, log1p, expm1, sin, cos, tan, sinh, cosh, tanh, sigmoid, erf
    /// `gelu` exact (`approximate='none'`) and tanh-approximated.
    case gelu, geluTanh

    /// Ops that map an integer tensor to an integer tensor; the others compute in the default
    /// floating dtype (`torch.exp(int_tensor)` is float32).
    var keepsIntegers: Bool {
        switch self {
        case .neg, .abs, .sign, .relu: true
        default: false
        }
    }
}

extension FloatingElement {
    @inline(__always)
    static func apply(_ op: UnaryOp, _ x: Self) -> Self {
        switch op {
        case .neg: -x
        case .abs: Swift.abs(x)
        case .sign: x > 0 ? 1 : (x < 0 ? -1 : 0)   // torch 2.15: sign(NaN) is 0
        case .relu: x > 0 || x.isNaN ? x : 0
        case .reciprocal: 1 / x
        case .sqrt: x.squareRoot()
        case .rsqrt: 1 / x.squareRoot()
        case .exp: Self.exp(x)
        case .log: Self.log(x)
        case .log1p: Self.log(onePlus: x)
        case .expm1: Self.expMinusOne(x)
        case .sin: Self.sin(x)
        case .cos: Self.cos(x)
        case .tan: Self.tan(x)
        case .sinh: Self.sinh(x)
        case .cosh: Self.cosh(x)
        case .tanh: Self.tanh(x)
        case .sigmoid: 1 / (1 + Self.exp(-x))
        case .erf: Self.erf(x)
        case .gelu: x * 0.5 * (1 + Self.erf(x * 0.70710678118654752440))
        case .geluTanh:
            x * 0.5 * (1 + Self.tanh(0.79788456080286535588 * (x + 0.044715 * x * x * x)))
        }
    }
}

extension Kernels {
    /// `op(x)` elementwise.
    static func unary(_ op: UnaryOp, _ x: Tensor) throws(TensorError) -> Tensor {
        let dtype = op.keepsIntegers || x.dtype.isFloatingPoint ? x.dtype : x.context.defaultDType
        if dtype == .bool {
            switch op {
            case .neg: throw fail("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
            case .abs: throw fail("\"abs_cpu\" not implemented for 'Bool'")
            case .relu: throw fail("Boolean inputs not supported for relu")
            default: break
            }
        }
        let out = try Tensor.pointwiseOutput(x.shape, dtype, x.context, x)
        // the operand itself when it has the dtype: passed borrowed, no reference taken
        if x.dtype == dtype { unaryKernel(op, out, x) } else { unaryKernel(op, out, try x.converted(to: dtype)) }
        return out
    }

    private static func unaryKernel(_ op: UnaryOp, _ out: Tensor, _ input: Tensor) {
        switch out.dtype {
        case .float32 where op == .gelu && input.isContiguous && input.count > 1:
            // torch's vectorized float kernel (a contiguous input of two elements or more)
            // answers NaN for gelu(+inf); its scalar loop answers +inf
            Loop.map(out, input) { (v: Float) in v == .infinity ? .nan : Float.apply(.gelu, v) }
        case .float32: floating(op, out, input, Float.self)
        case .float64: floating(op, out, input, Double.self)
        case .int64:
            switch op {
            case .neg: Loop.map(out, input) { (v: Int64) in 0 &- v }
            case .abs: Loop.map(out, input) { (v: Int64) in v < 0 ? 0 &- v : v }
            case .sign: Loop.map(out, input) { (v: Int64) -> Int64 in v > 0 ? 1 : (v < 0 ? -1 : 0) }
            default: Loop.map(out, input) { (v: Int64) in Swift.max(v, 0) }
            }
        case .bool: Loop.map(out, input) { (v: Bool) in v }
        }
    }

    @inline(__always)
    private static func floating<T: FloatingElement>(_ op: UnaryOp, _ out: Tensor, _ x: Tensor, _: T.Type) {
        switch op {
        case .neg: Loop.map(out, x) { (v: T) in -v }
        case .exp: Loop.map(out, x) { (v: T) in T.exp(v) }
        case .log: Loop.map(out, x) { (v: T) in T.log(v) }
        case .sqrt: Loop.map(out, x) { (v: T) in v.squareRoot() }
        case .tanh: Loop.map(out, x) { (v: T) in T.tanh(v) }
        case .sigmoid: Loop.map(out, x) { (v: T) in 1 / (1 + T.exp(-v)) }
        case .relu: Loop.map(out, x) { (v: T) in v > 0 || v.isNaN ? v : 0 }
        default: Loop.map(out, x) { (v: T) in T.apply(op, v) }
        }
    }

    /// `softplus(x) = log(1 + exp(beta x)) / beta`, linear above `threshold` as torch's is.
    static func softplus(_ x: Tensor, beta: Double, threshold: Double) throws(TensorError) -> Tensor {
        try floatingMap(x) { (v: Double) in
            v * beta > threshold ? v : Double.log(onePlus: Double.exp(v * beta)) / beta
        } float: { (v: Float) in
            let b = Float(beta)
            return v * b > Float(threshold) ? v : Float.log(onePlus: Float.exp(v * b)) / b
        }
    }

    /// `clamp(x, min, max)` with number bounds; NaN stays NaN, as in torch.
    static func clamp(_ x: Tensor, min lo: Scalar?, max hi: Scalar?) throws(TensorError) -> Tensor {
        let dtype = clampResultType(x, min: lo, max: hi)
        let out = try Tensor.pointwiseOutput(x.shape, dtype, x.context, x)
        let input = try x.converted(to: dtype)
        switch dtype {
        case .float32: clampLoop(out, input, lo.map { Float($0.doubleValue) }, hi.map { Float($0.doubleValue) })
        case .float64: clampLoop(out, input, lo?.doubleValue, hi?.doubleValue)
        case .int64: clampLoop(out, input, lo?.intValue, hi?.intValue)
        case .bool: throw fail("\"clamp_cpu\" not implemented for 'Bool'")
        }
        return out
    }

    /// The dtype of `clamp(x, min, max)` with number bounds: the bounds take part in the
    /// promotion as numbers.
    static func clampResultType(_ x: Tensor, min lo: Scalar?, max hi: Scalar?) -> DType {
        var types = ResultType()
        types.add(x)
        if let lo { types.add(lo, defaultFloat: x.context.defaultDType) }
        if let hi { types.add(hi, defaultFloat: x.context.defaultDType) }
        return types.result
    }

    @inline(__always)
    private static func clampLoop<T: Comparable>(_ out: Tensor, _ x: Tensor, _ lo: T?, _ hi: T?) {
        Loop.map(out, x) { (v: T) -> T in
            guard v == v else { return v }  // NaN
            var r = v
            if let lo, r < lo { r = lo }
            if let hi, r > hi { r = hi }
            return r
        }
    }

    /// Applies a floating function to a floating tensor (integers promote to the default dtype).
    @inline(__always)
    static func floatingMap(_ x: Tensor, double: (Double) -> Double, float: (Float) -> Float) throws(TensorError) -> Tensor {
        let dtype = x.dtype.isFloatingPoint ? x.dtype : x.context.defaultDType
        let out = try Tensor.pointwiseOutput(x.shape, dtype, x.context, x)
        let input = try x.converted(to: dtype)
        if dtype == .float32 { Loop.map(out, input, float) } else { Loop.map(out, input, double) }
        return out
    }

    /// Applies a floating function of two tensors of one floating dtype (backward helpers).
    @inline(__always)
    static func floatingMap(_ a: Tensor, _ b: Tensor, double: (Double, Double) -> Double,
                            float: (Float, Float) -> Float) throws(TensorError) -> Tensor {
        var types = ResultType()
        types.add(a)
        types.add(b)
        let dtype = types.result.isFloatingPoint ? types.result : a.context.defaultDType
        let out = try Tensor.pointwiseOutput(try Shape.broadcast(a.shape, b.shape), dtype, a.context, a, b)
        let x = try a.converted(to: dtype), y = try b.converted(to: dtype)
        if dtype == .float32 { Loop.map(out, x, y, float) } else { Loop.map(out, x, y, double) }
        return out
    }
}
