import RealModule

/// A Swift type that stores one dtype's elements.
protocol TensorElement {
    static var dtype: DType { get }
}

/// The floating element types: kernels generic over this protocol serve float32 and float64.
/// (SIMD lanes of it must be `SIMDScalar` and `Codable`, as Float and Double are.)
protocol FloatingElement: TensorElement, Real, BinaryFloatingPoint, SIMDScalar, Codable, SumAccumulator {
    /// The lanes torch's sum kernel adds at once (Kernels+Sum.swift).
    associatedtype SumVector: SIMD, SumAccumulator where SumVector.Scalar == Self
}

extension Bool: TensorElement { static var dtype: DType { .bool } }
extension Int64: TensorElement { static var dtype: DType { .int64 } }
extension Float: FloatingElement {
    static var dtype: DType { .float32 }
    typealias SumVector = SIMD8<Float>
}
extension Double: FloatingElement {
    static var dtype: DType { .float64 }
    typealias SumVector = SIMD4<Double>
}

extension Int64 {
    /// A C cast from a float: truncation toward zero; NaN, infinities and out-of-range values
    /// give `Int64.min`, as x86 does for torch, instead of trapping.
    @inline(__always)
    init<F: BinaryFloatingPoint>(casting value: F) {
        self = value.isFinite && value > -9.223372036854775e18 && value < 9.223372036854775e18
            ? Int64(value) : .min
    }
}

extension Tensor {
    /// `to(dtype)`: a copy converted to `dtype`, or `self` when it already has that dtype.
    /// Not recorded in the graph: differentiable casts go through `Tensor.cast(to:)`.
    @inline(__always)
    func converted(to dtype: DType) throws(TensorError) -> Tensor {
        dtype == self.dtype ? self : try convertedCopy(to: dtype)
    }

    private func convertedCopy(to dtype: DType) throws(TensorError) -> Tensor {
        let out = try Tensor.pointwiseOutput(shape, dtype, context, self)   // torch.preserve_format
        Kernels.copy(from: self, into: out)
        return out
    }

    /// A contiguous copy (or `self` when already contiguous), not recorded in the graph.
    func contiguousData() throws(TensorError) -> Tensor {
        if isContiguous { return self }
        let out = try Tensor.uninitialized(shape, dtype, context)
        Kernels.copy(from: self, into: out)
        return out
    }
}

/// The kernels of the engine, grouped by op family in `Kernels+Family.swift` files.
enum Kernels {
    /// Copies `src` (broadcast to `dst`'s shape) into `dst`, converting between dtypes.
    static func copy(from src: Tensor, into dst: Tensor) {
        switch (src.dtype, dst.dtype) {
        case (.float32, .float32): Loop.map(dst, src) { (x: Float) in x }
        case (.float64, .float64): Loop.map(dst, src) { (x: Double) in x }
        case (.int64, .int64): Loop.map(dst, src) { (x: Int64) in x }
        case (.bool, .bool): Loop.map(dst, src) { (x: Bool) in x }
        case (.float32, .float64): Loop.map(dst, src) { (x: Float) in Double(x) }
        case (.float64, .float32): Loop.map(dst, src) { (x: Double) in Float(x) }
        case (.int64, .float32): Loop.map(dst, src) { (x: Int64) in Float(x) }
        case (.int64, .float64): Loop.map(dst, src) { (x: Int64) in Double(x) }
        case (.bool, .float32): Loop.map(dst, src) { (x: Bool) -> Float in x ? 1 : 0 }
        case (.bool, .float64): Loop.map(dst, src) { (x: Bool) -> Double in x ? 1 : 0 }
        case (.bool, .int64): Loop.map(dst, src) { (x: Bool) -> Int64 in x ? 1 : 0 }
        case (.float32, .int64): Loop.map(dst, src) { (x: Float) in Int64(casting: x) }
        case (.float64, .int64): Loop.map(dst, src) { (x: Double) in Int64(casting: x) }
        case (.float32, .bool): Loop.map(dst, src) { (x: Float) in x != 0 }
        case (.float64, .bool): Loop.map(dst, src) { (x: Double) in x != 0 }
        case (.int64, .bool): Loop.map(dst, src) { (x: Int64) in x != 0 }
        }
    }

    /// Fills every element of `dst` with `value` converted to its dtype.
    static func fill(_ dst: Tensor, with value: Scalar) {
        if dst.count == 0 { return }
        switch dst.dtype {
        case .float32: fill(dst, Float(value.doubleValue))
        case .float64: fill(dst, value.doubleValue)
        case .int64: fill(dst, value.isFloatingPoint ? Int64(casting: value.doubleValue) : value.intValue)
        case .bool: fill(dst, value.doubleValue != 0 || value.doubleValue.isNaN)
        }
    }

    @inline(__always)
    private static func fill<T>(_ dst: Tensor, _ value: T) {
        if dst.isContiguous {
            dst.pointer(T.self).update(repeating: value, count: dst.count)
        } else {
            let p = dst.pointer(T.self)
            Loop.forEachRow(dst) { row in
                for i in 0..<row.count { p[row.offsets.0 + i * row.steps.0] = value }
            }
        }
    }
}
