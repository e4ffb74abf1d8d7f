#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RealModule

@inline(__always)
private func cPowDouble(_ x: Double, _ y: Double) -> Double { pow(x, y) }

/// Pointwise functions of two operands.
enum BinaryOp {
    case add, sub, mul, div, pow, maximum, minimum
    /// `floor(x / y)` and `trunc(x / y)`: `div` with a `rounding_mode`.
    case floorDivide, truncDivide

    /// True when the op always computes in a floating dtype (true division).
    var promotesIntegers: Bool { self == .div }
}

/// Comparisons: bool results.
enum CompareOp {
    case eq, ne, lt, le, gt, ge
}

extension FloatingElement {
    /// C's `pow`, whose conventions torch follows (`pow(-2, 0.5)` is NaN, `pow(-8, 3)` -512).
    @inline(__always)
    static func cPow(_ x: Self, _ y: Self) -> Self {
        if Self.self == Float.self {
            return unsafeBitCast(powf(unsafeBitCast(x, to: Float.self), unsafeBitCast(y, to: Float.self)), to: Self.self)
        }
        return unsafeBitCast(cPowDouble(unsafeBitCast(x, to: Double.self), unsafeBitCast(y, to: Double.self)), to: Self.self)
    }

    /// Python's `max` for NaN: torch's `maximum` propagates NaN.
    @inline(__always)
    static func propagatingMax(_ x: Self, _ y: Self) -> Self { x.isNaN || y.isNaN ? .nan : Swift.max(x, y) }

    @inline(__always)
    static func propagatingMin(_ x: Self, _ y: Self) -> Self { x.isNaN || y.isNaN ? .nan : Swift.min(x, y) }

    /// torch's `div_floor_floating`: through `fmod`, so that an infinite dividend gives NaN and
    /// a negative finite one over +infinity gives -1, as Python's `//` does.
    @inline(__always)
    static func floorDivide(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return a / b }
        let mod = a.truncatingRemainder(dividingBy: b)
        var div = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) { div -= 1 }
        guard div != 0 else { return Self(signOf: a / b, magnitudeOf: 0) }
        var floored = div.rounded(.down)
        if div - floored > 0.5 { floored += 1 }
        return floored
    }

    @inline(__always)
    static func apply(_ op: BinaryOp, _ x: Self, _ y: Self) -> Self {
        switch op {
        case .add: x + y
        case .sub: x - y
        case .mul: x * y
        case .div: x / y
        case .pow: cPow(x, y)
        case .maximum: propagatingMax(x, y)
        case .minimum: propagatingMin(x, y)
        case .floorDivide: floorDivide(x, y)
        case .truncDivide: (x / y).rounded(.towardZero)
        }
    }
}

extension Int64 {
    /// Integer arithmetic wraps on overflow, as torch's does; integer division by zero is
    /// rejected before the kernel runs.
    @inline(__always)
    static func apply(_ op: BinaryOp, _ x: Int64, _ y: Int64) -> Int64 {
        switch op {
        case .add: x &+ y
        case .sub: x &- y
        case .mul: x &* y
        case .div, .truncDivide: y == 0 ? 0 : (x == .min && y == -1 ? .min : x / y)
        case .floorDivide:
            if y == 0 { 0 } else if x == .min && y == -1 { .min } else {
                x / y - ((x % y != 0) && ((x < 0) != (y < 0)) ? 1 : 0)
            }
        case .pow: integerPower(x, y)
        case .maximum: Swift.max(x, y)
        case .minimum: Swift.min(x, y)
        }
    }

    @inline(__always)
    static func integerPower(_ base: Int64, _ exponent: Int64) -> Int64 {
        if exponent < 0 { return base == 1 ? 1 : (base == -1 ? (exponent & 1 == 0 ? 1 : -1) : 0) }
        var result: Int64 = 1, b = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }
}

extension Comparable {
    @inline(__always)
    static func compare(_ op: CompareOp, _ x: Self, _ y: Self) -> Bool {
        switch op {
        case .eq: x == y
        case .ne: x != y
        case .lt: x < y
        case .le: x <= y
        case .gt: x > y
        case .ge: x >= y
        }
    }
}

extension Kernels {
    /// The dtype `op` computes `a` and `b` in, by torch's promotion rules.
    static func computeType(_ op: BinaryOp, _ types: ResultType, _ context: Context) -> DType {
        let dtype = types.result
        return op.promotesIntegers && !dtype.isFloatingPoint ? context.defaultDType : dtype
    }

    /// `op(a, b)` with broadcasting and type promotion; `alpha` scales `b` (add and sub).
    static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, alpha: Scalar? = nil) throws(TensorError) -> Tensor {
        var types = ResultType()
        types.add(a)
        types.add(b)
        let dtype = computeType(op, types, a.context)
        if op == .sub { try checkSubtraction(a.dtype, b.dtype) }
        let shape = try Shape.broadcast(a.shape, b.shape)
        try checkKernel(op, dtype, b: b.dtype == .int64 ? b : nil, alpha: alpha)
        let out = try Tensor.pointwiseOutput(shape, dtype, a.context, a, b)
        // the operands themselves when they have the dtype: passed borrowed, no reference taken
        if a.dtype == dtype && b.dtype == dtype {
            tensorKernel(op, out, a, b, alpha: alpha)
        } else {
            tensorKernel(op, out, try a.converted(to: dtype), try b.converted(to: dtype), alpha: alpha)
        }
        return out
    }

    private static func tensorKernel(_ op: BinaryOp, _ out: Tensor, _ x: Tensor, _ y: Tensor, alpha: Scalar?) {
        let scale = alpha?.doubleValue
        switch out.dtype {
        case .float32: floating(op, out, x, y, scale.map { Float($0) }, Float.self)
        case .float64: floating(op, out, x, y, scale, Double.self)
        case .int64:
            let s = alpha?.intValue
            if let s { Loop.map(out, x, y) { (p: Int64, q: Int64) in Int64.apply(op, p, q &* s) } }
            else { Loop.map(out, x, y) { (p: Int64, q: Int64) in Int64.apply(op, p, q) } }
        case .bool: Loop.map(out, x, y) { (p: Bool, q: Bool) in logical(op, p, q) }
        }
    }

    /// `op(a, s)`, or `op(s, a)` when `scalarFirst`, for a Python number `s`. `rowMajor`: a
    /// row-major result whatever `a`'s layout (torch's `pow(Scalar, Tensor)` sets its output so).
    static func binary(_ op: BinaryOp, _ a: Tensor, _ s: Scalar, scalarFirst: Bool = false,
                       alpha: Scalar? = nil, rowMajor: Bool = false) throws(TensorError) -> Tensor {
        var types = ResultType()
        types.add(a)
        types.add(s, defaultFloat: a.context.defaultDType)
        let dtype = computeType(op, types, a.context)
        // the number takes part as a wrapped tensor: True is a bool one
        if op == .sub { try checkSubtraction(a.dtype, s.wrappedDType(defaultFloat: a.context.defaultDType)) }
        try checkKernel(op, dtype, scalar: s, scalarFirst: scalarFirst, alpha: alpha)
        let out = rowMajor ? try Tensor.uninitialized(a.shape, dtype, a.context) : try Tensor.pointwiseOutput(a.shape, dtype, a.context, a)
        // the operand itself when it has the dtype: passed borrowed, no reference taken
        if a.dtype == dtype {
            scalarKernel(op, out, a, s, scalarFirst: scalarFirst, alpha: alpha)
        } else {
            scalarKernel(op, out, try a.converted(to: dtype), s, scalarFirst: scalarFirst, alpha: alpha)
        }
        return out
    }

    private static func scalarKernel(_ op: BinaryOp, _ out: Tensor, _ x: Tensor, _ s: Scalar, scalarFirst: Bool, alpha: Scalar?) {
        let v = s.doubleValue * (alpha?.doubleValue ?? 1)
        switch out.dtype {
        case .float32: floating(op, out, x, Float(v), scalarFirst)
        case .float64: floating(op, out, x, v, scalarFirst)
        case .int64:
            let i = s.intValue &* (alpha?.intValue ?? 1)
            if scalarFirst { Loop.map(out, x) { (p: Int64) in Int64.apply(op, i, p) } }
            else { Loop.map(out, x) { (p: Int64) in Int64.apply(op, p, i) } }
        case .bool:
            let q = s.doubleValue != 0
            Loop.map(out, x) { (p: Bool) in scalarFirst ? logical(op, q, p) : logical(op, p, q) }
        }
    }

    /// `acc += b` in place, for `acc` contiguous and `b` of its shape and dtype in other memory:
    /// gradient accumulation without a new tensor.
    static func accumulate(_ b: Tensor, into acc: Tensor) {
        switch acc.dtype {
        case .float32: Loop.map(acc, acc, b) { (x: Float, y: Float) in x + y }
        case .float64: Loop.map(acc, acc, b) { (x: Double, y: Double) in x + y }
        case .int64: Loop.map(acc, acc, b) { (x: Int64, y: Int64) in x &+ y }
        case .bool: Loop.map(acc, acc, b) { (x: Bool, y: Bool) in x || y }
        }
    }

    @inline(__always)
    private static func floating<T: FloatingElement>(_ op: BinaryOp, _ out: Tensor, _ a: Tensor, _ b: Tensor,
                                                     _ alpha: T?, _: T.Type) {
        if let alpha {
            Loop.map(out, a, b) { (x: T, y: T) in T.apply(op, x, alpha * y) }
            return
        }
        switch op {
        case .add: Loop.map(out, a, b) { (x: T, y: T) in x + y }
        case .sub: Loop.map(out, a, b) { (x: T, y: T) in x - y }
        case .mul: Loop.map(out, a, b) { (x: T, y: T) in x * y }
        case .div: Loop.map(out, a, b) { (x: T, y: T) in x / y }
        default: Loop.map(out, a, b) { (x: T, y: T) in T.apply(op, x, y) }
        }
    }

    @inline(__always)
    private static func floating<T: FloatingElement>(_ op: BinaryOp, _ out: Tensor, _ a: Tensor, _ s: T,
                                                     _ scalarFirst: Bool) {
        if scalarFirst {
            Loop.map(out, a) { (x: T) in T.apply(op, s, x) }
            return
        }
        switch op {
        case .add: Loop.map(out, a) { (x: T) in x + s }
        case .sub: Loop.map(out, a) { (x: T) in x - s }
        case .mul: Loop.map(out, a) { (x: T) in x * s }
        case .div: Loop.map(out, a) { (x: T) in x / s }
        // torch's pow_tensor_scalar_optimized_kernel: these exponents are not std::pow
        case .pow where s == 2: Loop.map(out, a) { (x: T) in x * x }
        case .pow where s == 3: Loop.map(out, a) { (x: T) in x * x * x }
        case .pow where s == 0.5: Loop.map(out, a) { (x: T) in x.squareRoot() }
        case .pow where s == -0.5: Loop.map(out, a) { (x: T) in 1 / x.squareRoot() }
        case .pow where s == -1: Loop.map(out, a) { (x: T) in 1 / x }
        case .pow where s == -2: Loop.map(out, a) { (x: T) in 1 / (x * x) }
        default: Loop.map(out, a) { (x: T) in T.apply(op, x, s) }
        }
    }

    @inline(__always)
    private static func logical(_ op: BinaryOp, _ x: Bool, _ y: Bool) -> Bool {
        switch op {
        case .add, .maximum, .sub: x || y
        case .mul, .minimum, .div, .floorDivide, .truncDivide: x && y
        case .pow: x || !y   // x ** False is True, x ** True is x
        }
    }

    /// torch's sub_check, made before the operands broadcast: no subtraction with a bool
    /// operand (two, then one).
    static func checkSubtraction(_ a: DType, _ b: DType) throws(TensorError) {
        if a == .bool && b == .bool {
            throw fail("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.")
        }
        if a == .bool || b == .bool { throw fail(boolSubtraction) }
    }

    private static let boolSubtraction = "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."

    /// The checks made once the operands broadcast: alpha_check, then the kernels' own.
    private static func checkKernel(_ op: BinaryOp, _ dtype: DType, b: Tensor? = nil, scalar: Scalar? = nil,
                                    scalarFirst: Bool = false, alpha: Scalar?) throws(TensorError) {
        if let alpha, alpha.isFloatingPoint, !dtype.isFloatingPoint {
            throw fail("For integral input tensors, argument alpha must not be a floating point number.")
        }
        // torch fills (exponent False) or copies (True) without its kernel, which has no bool form
        if dtype == .bool && op == .pow {
            guard !scalarFirst, case .bool? = scalar else { throw fail("\"pow\" not implemented for 'Bool'") }
        }
        guard dtype == .int64 else { return }
        if op == .pow, let scalar, !scalarFirst, scalar.intValue < 0 {
            throw fail("Integers to negative integer powers are not allowed.")
        }
        if op == .floorDivide || op == .truncDivide {
            let zero = scalar.map { !scalarFirst && $0.intValue == 0 } ?? b.map { $0.containsZero() } ?? false
            if zero { throw fail("ZeroDivisionError") }
        }
    }

    /// `op(a, b)` for a comparison: a bool tensor.
    static func compare(_ op: CompareOp, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        var types = ResultType()
        types.add(a)
        types.add(b)
        let dtype = types.result
        let out = try Tensor.pointwiseOutput(try Shape.broadcast(a.shape, b.shape), .bool, a.context, a, b)
        let x = try a.converted(to: dtype), y = try b.converted(to: dtype)
        switch dtype {
        case .float32: Loop.map(out, x, y) { (p: Float, q: Float) in Float.compare(op, p, q) }
        case .float64: Loop.map(out, x, y) { (p: Double, q: Double) in Double.compare(op, p, q) }
        case .int64: Loop.map(out, x, y) { (p: Int64, q: Int64) in Int64.compare(op, p, q) }
        case .bool: Loop.map(out, x, y) { (p: Bool, q: Bool) in UInt8.compare(op, p ? 1 : 0, q ? 1 : 0) }
        }
        return out
    }

    /// `op(a, s)` for a comparison with a Python number.
    static func compare(_ op: CompareOp, _ a: Tensor, _ s: Scalar) throws(TensorError) -> Tensor {
        var types = ResultType()
        types.add(a)
        types.add(s, defaultFloat: a.context.defaultDType)
        let dtype = types.result
        let out = try Tensor.pointwiseOutput(a.shape, .bool, a.context, a)
        let x = try a.converted(to: dtype)
        switch dtype {
        case .float32: let v = Float(s.doubleValue); Loop.map(out, x) { (p: Float) in Float.compare(op, p, v) }
        case .float64: let v = s.doubleValue; Loop.map(out, x) { (p: Double) in Double.compare(op, p, v) }
        case .int64: let v = s.intValue; Loop.map(out, x) { (p: Int64) in Int64.compare(op, p, v) }
        case .bool:
            let v = s.doubleValue
            Loop.map(out, x) { (p: Bool) in Double.compare(op, p ? 1 : 0, v) }
        }
        return out
    }
}

extension Tensor {
    /// True when some element is zero (integer division checks).
    func containsZero() -> Bool {
        guard let flat = try? contiguousData() else { return false }
        switch dtype {
        case .int64: return UnsafeBufferPointer(start: flat.pointer(Int64.self), count: count).contains(0)
        case .float32: return UnsafeBufferPointer(start: flat.pointer(Float.self), count: count).contains(0)
        case .float64: return UnsafeBufferPointer(start: flat.pointer(Double.self), count: count).contains(0)
        case .bool: return UnsafeBufferPointer(start: flat.pointer(Bool.self), count: count).contains(false)
        }
    }
}
