// Creation: literals, constants, ranges, identity and random tensors. Created tensors are leaves;
// `requires_grad=True` is `requiresGrad_()` afterwards, with torch's check on the dtype.

extension Tensor {
    /// `torch.tensor(data)` from flat values and a shape. Values convert to `dtype` as a C
    /// cast does.
    public static func make(_ values: [Double], shape: [Int], dtype: DType, context: Context) throws(TensorError) -> Tensor {
        let out = try uninitialized(shape, dtype, context)
        guard values.count == out.count else {
            throw .invalidArgument("\(values.count) values do not fill shape \(Shape.format(shape))")
        }
        switch dtype {
        case .float32: let p = out.pointer(Float.self); for (i, v) in values.enumerated() { p[i] = Float(v) }
        case .float64: out.pointer(Double.self).update(from: values, count: values.count)
        case .int64: let p = out.pointer(Int64.self); for (i, v) in values.enumerated() { p[i] = Int64(casting: v) }
        case .bool: let p = out.pointer(Bool.self); for (i, v) in values.enumerated() { p[i] = v != 0 }
        }
        return out
    }

    /// `torch.tensor(data, dtype=int64)` from exact integers.
    public static func make(_ values: [Int64], shape: [Int], dtype: DType = .int64, context: Context) throws(TensorError) -> Tensor {
        if dtype != .int64 { return try make(values.map(Double.init), shape: shape, dtype: dtype, context: context) }
        let out = try uninitialized(shape, .int64, context)
        guard values.count == out.count else {
            throw .invalidArgument("\(values.count) values do not fill shape \(Shape.format(shape))")
        }
        out.pointer(Int64.self).update(from: values, count: values.count)
        return out
    }

    /// A tensor over raw little-endian bytes (the wire's base64 form).
    public static func make(bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, context: Context) throws(TensorError) -> Tensor {
        let out = try uninitialized(shape, dtype, context)
        guard bytes.count == out.count * dtype.byteWidth else {
            throw .invalidArgument("\(bytes.count) bytes do not fill shape \(Shape.format(shape)) of \(dtype)")
        }
        if let base = bytes.baseAddress { out.address.copyMemory(from: base, byteCount: bytes.count) }
        if dtype == .bool {
            let p = out.address.assumingMemoryBound(to: UInt8.self)
            for i in 0..<out.count where p[i] > 1 { p[i] = 1 }
        }
        return out
    }

    /// `torch.full(shape, value)`.
    public static func full(_ shape: [Int], _ value: Scalar, dtype: DType, context: Context) throws(TensorError) -> Tensor {
        let out = try uninitialized(shape, dtype, context)
        Kernels.fill(out, with: value)
        return out
    }

    /// `torch.zeros(shape)`.
    public static func zeros(_ shape: [Int], dtype: DType, context: Context) throws(TensorError) -> Tensor {
        let out = try uninitialized(shape, dtype, context)
        out.address.initializeMemory(as: UInt8.self, repeating: 0, count: out.count * dtype.byteWidth)
        return out
    }

    /// `torch.ones(shape)`.
    public static func ones(_ shape: [Int], dtype: DType, context: Context) throws(TensorError) -> Tensor {
        try full(shape, 1, dtype: dtype, context: context)
    }

    /// `torch.empty(shape)`: zero-filled here, so that no stale memory can leak to a client.
    public static func empty(_ shape: [Int], dtype: DType, context: Context) throws(TensorError) -> Tensor {
        try zeros(shape, dtype: dtype, context: context)
    }

    /// `torch.randn(shape)`: standard normal numbers from the context's generator.
    public static func randn(_ shape: [Int], dtype: DType, context: Context) throws(TensorError) -> Tensor {
        let out = try randomTensor(shape, dtype, context)
        var generator = context.generator  // a local copy: the loop keeps its state in registers
        if dtype == .float32 {
            generator.fillNormals(out.pointer(Float.self), count: out.count) { Float($0) }
        } else {
            generator.fillNormals(out.pointer(Double.self), count: out.count) { $0 }
        }
        context.generator = generator
        return out
    }

    /// `torch.rand(shape)`: uniform numbers in [0, 1) from the context's generator.
    public static func rand(_ shape: [Int], dtype: DType, context: Context) throws(TensorError) -> Tensor {
        let out = try randomTensor(shape, dtype, context)
        var generator = context.generator
        if dtype == .float32 {
            // 24 random bits: every value is exact in float32 and below 1.
            let p = out.pointer(Float.self)
            for i in 0..<out.count { p[i] = Float(generator.next() >> 40) * 0x1p-24 }
        } else {
            let p = out.pointer(Double.self)
            for i in 0..<out.count { p[i] = generator.nextUniform() }
        }
        context.generator = generator
        return out
    }

    private static func randomTensor(_ shape: [Int], _ dtype: DType, _ context: Context) throws(TensorError) -> Tensor {
        guard dtype.isFloatingPoint else {
            throw .evaluation("\"normal_kernel_cpu\" not implemented for '\(dtype.scalarTypeName)'")
        }
        return try uninitialized(shape, dtype, context)
    }

    /// `torch.arange(start, end, step)`: integers when every bound is an integer and no float
    /// dtype is asked, else the default float dtype.
    public static func arange(start: Scalar, end: Scalar, step: Scalar, dtype: DType?, context: Context) throws(TensorError) -> Tensor {
        let s = step.doubleValue, a = start.doubleValue, b = end.doubleValue
        guard s != 0 else { throw .evaluation("step must be nonzero") }
        guard a.isFinite && b.isFinite else { throw .evaluation("unsupported range: \(a) -> \(b)") }
        guard (s > 0 && b >= a) || (s < 0 && b <= a) else {
            throw .evaluation("upper bound and lower bound inconsistent with step sign")
        }
        let integral = !start.isFloatingPoint && !end.isFloatingPoint && !step.isFloatingPoint
        let type = dtype ?? (integral ? .int64 : context.defaultDType)
        let size = ((b - a) / s).rounded(.up)
        guard size < 0x1p63 else { throw .evaluation("invalid size, possible overflow?") }   // not an Int
        let count = Int(size)
        try context.checkElements(count)
        let out = try uninitialized([count], type, context)
        switch type {
        case .int64:
            let p = out.pointer(Int64.self)
            if integral {
                for i in 0..<count { p[i] = start.intValue &+ Int64(i) &* step.intValue }
            } else {
                for i in 0..<count { p[i] = Int64(casting: a + Double(i) * s) }
            }
        case .float32: let p = out.pointer(Float.self); for i in 0..<count { p[i] = Float(a + Double(i) * s) }
        case .float64: let p = out.pointer(Double.self); for i in 0..<count { p[i] = a + Double(i) * s }
        case .bool: throw .evaluation("\"arange_cpu\" not implemented for 'Bool'")
        }
        return out
    }

    /// `torch.linspace(start, end, steps)`: evenly spaced, symmetric from both ends as torch's
    /// kernel computes it.
    public static func linspace(start: Double, end: Double, steps: Int, dtype: DType, context: Context) throws(TensorError) -> Tensor {
        guard steps >= 0 else { throw .evaluation("number of steps must be non-negative") }
        let out = try uninitialized([steps], dtype, context)
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        let half = steps == 1 ? 1 : steps / 2   // one step is `start`, as torch fills it
        func value(_ i: Int) -> Double { i < half ? start + step * Double(i) : end - step * Double(steps - 1 - i) }
        switch dtype {
        case .float32: let p = out.pointer(Float.self); for i in 0..<steps { p[i] = Float(value(i)) }
        case .float64: let p = out.pointer(Double.self); for i in 0..<steps { p[i] = value(i) }
        case .int64: let p = out.pointer(Int64.self); for i in 0..<steps { p[i] = Int64(casting: value(i)) }
        case .bool: throw .evaluation("\"linspace_cpu\" not implemented for 'Bool'")
        }
        return out
    }

    /// `torch.eye(n, m)`: ones on the diagonal.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType, context: Context) throws(TensorError) -> Tensor {
        let cols = m ?? n
        guard n >= 0 else { throw .evaluation("n must be greater or equal to 0, got \(n)") }
        guard cols >= 0 else { throw .evaluation("m must be greater or equal to 0, got \(cols)") }
        let out = try zeros([n, cols], dtype: dtype, context: context)
        for i in 0..<Swift.min(n, cols) {
            Kernels.fill(out.view(shape: [], strides: [], offset: i * cols + i), with: 1)
        }
        return out
    }

    /// `torch.zeros_like`, `ones_like`, `full_like`, `empty_like`: a fresh leaf of this shape.
    public func fullLike(_ value: Scalar, dtype: DType? = nil) throws(TensorError) -> Tensor {
        let out = try emptyLike(dtype: dtype)
        Kernels.fill(out, with: value)
        return out
    }

    /// `torch.randn_like`: the numbers in memory order.
    public func randnLike(dtype: DType? = nil) throws(TensorError) -> Tensor {
        try likeInMemoryOrder(dtype) { (count, dtype) throws(TensorError) in try Tensor.randn([count], dtype: dtype, context: context) }
    }

    /// `torch.rand_like`: the numbers in memory order.
    public func randLike(dtype: DType? = nil) throws(TensorError) -> Tensor {
        try likeInMemoryOrder(dtype) { (count, dtype) throws(TensorError) in try Tensor.rand([count], dtype: dtype, context: context) }
    }

    /// A tensor laid out as `emptyLike` lays it out, holding `numbers(count, dtype)`'s elements in
    /// memory order (as torch's random fills run through memory).
    private func likeInMemoryOrder(_ dtype: DType?, _ numbers: (Int, DType) throws(TensorError) -> Tensor) throws(TensorError) -> Tensor {
        let out = try emptyLike(dtype: dtype)
        let flat = try numbers(out.count, out.dtype)
        out.address.copyMemory(from: flat.address, byteCount: out.count * out.dtype.byteWidth)
        return out
    }

    /// torch's `empty_like` (`preserve_format`), elements unset: a dense tensor's own strides,
    /// size-1 dimensions' included, row-major for any other. The `*_like` ops and the formulas'
    /// `zeros_like` lay their results out so, as torch's (`ones_like` of a transposed tensor
    /// cannot be viewed flat; a gradient laid out with a stride 0 is copied into its leaf's
    /// layout).
    func emptyLike(dtype: DType? = nil) throws(TensorError) -> Tensor {
        let dtype = dtype ?? self.dtype
        if hasRowMajorStrides { return try Tensor.uninitialized(shape, dtype, context, strides: strides) }
        if isNonOverlappingAndDense {
            return try Tensor.uninitialized(shape, dtype, context, strides: strides, rowMajor: false)
        }
        return try Tensor.uninitialized(shape, dtype, context)
    }

    /// A 0-d zero of this tensor's dtype, as torch's formulas write `at::scalar_tensor(0., grad.options())`.
    func zeroScalar() throws(TensorError) -> Tensor {
        try Tensor.scalar(0, dtype: dtype, context: context)
    }

    /// A 0-d tensor holding `value` in `dtype`.
    static func scalar(_ value: Scalar, dtype: DType, context: Context) throws(TensorError) -> Tensor {
        try full([], value, dtype: dtype, context: context)
    }
}

extension Tensor {
    /// The elements as doubles in row-major order, or the limit error a copy of them would hit.
    func checkedDoubles() throws(TensorError) -> [Double] {
        let flat = try contiguousData()
        switch dtype {
        case .float32: return UnsafeBufferPointer(start: flat.pointer(Float.self), count: count).map(Double.init)
        case .float64: return Array(UnsafeBufferPointer(start: flat.pointer(Double.self), count: count))
        case .int64: return UnsafeBufferPointer(start: flat.pointer(Int64.self), count: count).map(Double.init)
        case .bool: return UnsafeBufferPointer(start: flat.pointer(Bool.self), count: count).map { $0 ? 1 : 0 }
        }
    }

    /// The elements as doubles, in row-major order (for encoding and tests); empty when a
    /// copy of them would pass the context's limits.
    public func doubles() -> [Double] { (try? checkedDoubles()) ?? [] }

    /// Calls `body` with the elements' bytes in row-major order (little-endian on every
    /// platform the service runs on).
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let flat = (try? contiguousData()) ?? self
        return try body(UnsafeRawBufferPointer(start: flat.address,
                                               count: count * dtype.byteWidth))
    }

    /// `item()`: the value of a one-element tensor.
    public func item() throws(TensorError) -> Scalar {
        guard count == 1 else {
            throw .evaluation("a Tensor with \(count) elements cannot be converted to Scalar")
        }
        let p = address
        switch dtype {
        case .float32: return .double(Double(p.load(as: Float.self)))
        case .float64: return .double(p.load(as: Double.self))
        case .int64: return .int(p.load(as: Int64.self))
        case .bool: return .bool(p.load(as: Bool.self))
        }
    }

    /// Python's `bool(tensor)`: torch's ambiguity error for more than one element.
    public func truthValue() throws(TensorError) -> Bool {
        guard count == 1 else {
            throw .evaluation(count == 0 ? "Boolean value of Tensor with no values is ambiguous"
                                         : "Boolean value of Tensor with more than one value is ambiguous")
        }
        let value = try item().doubleValue
        return value != 0 || value.isNaN
    }
}
