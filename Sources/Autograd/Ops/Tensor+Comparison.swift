// Comparisons and logic: bool results, never differentiable.

extension Tensor {
    /// `torch.eq`, `ne`, `lt`, `le`, `gt`, `ge` against a tensor (broadcast, promoted).
    public func compare(_ op: Comparison, _ other: Tensor) throws(TensorError) -> Tensor {
        try Kernels.compare(op.kernel, self, other)
    }

    /// The same comparisons against a Python number.
    public func compare(_ op: Comparison, _ other: Scalar) throws(TensorError) -> Tensor {
        try Kernels.compare(op.kernel, self, other)
    }

    /// `torch.isclose(self, other, rtol, atol, equal_nan)`: `|a - b| <= atol + rtol |b|`, with
    /// equal infinities close and NaN close to NaN only when `equalNaN`.
    public func isclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws(TensorError) -> Tensor {
        guard dtype == other.dtype else {
            throw .evaluation("\(dtype.scalarTypeName) did not match \(other.dtype.scalarTypeName)")
        }
        guard rtol >= 0 else { throw .evaluation("rtol must be greater than or equal to zero, but got \(rtol)") }
        guard atol >= 0 else { throw .evaluation("atol must be greater than or equal to zero, but got \(atol)") }
        let a = try converted(to: .float64), b = try other.converted(to: .float64)
        let out = try Tensor.uninitialized(try Shape.broadcast(shape, other.shape), .bool, context)
        Loop.map(out, a, b) { (x: Double, y: Double) -> Bool in
            if x == y { return true }
            if x.isNaN || y.isNaN { return equalNaN && x.isNaN && y.isNaN }
            if x.isInfinite || y.isInfinite { return false }
            return Swift.abs(x - y) <= atol + rtol * Swift.abs(y)
        }
        return out
    }

    /// `torch.allclose`: every element `isclose`.
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws(TensorError) -> Bool {
        try !isclose(other, rtol: rtol, atol: atol, equalNaN: equalNaN).checkedDoubles().contains(0)
    }
}

/// The elementwise comparisons of torch.
public enum Comparison: String, CaseIterable, Sendable {
    case eq, ne, lt, le, gt, ge

    var kernel: CompareOp {
        switch self {
        case .eq: .eq
        case .ne: .ne
        case .lt: .lt
        case .le: .le
        case .gt: .gt
        case .ge: .ge
        }
    }
}
