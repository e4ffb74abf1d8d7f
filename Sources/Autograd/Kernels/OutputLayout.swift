/// The strides torch's TensorIterator gives the fresh output of a pointwise op: row-major when
/// the operands are, else dense in the order of the operands' own strides, so that
/// `exp(x.t())` is laid out as `x.t()` is (and so is not contiguous, as torch's is not).
enum OutputLayout {
    /// Strides for an output of `shape` over `a`, `b`, `c` (the op's tensor inputs), or nil for
    /// row-major. Operands that do not broadcast to `shape` were rejected before.
    static func strides(_ shape: [Int], _ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil) -> [Int]? {
        // Contiguous operands (broadcast or not) always give row-major: the common case.
        if a.isContiguous && (b?.isContiguous ?? true) && (c?.isContiguous ?? true) { return nil }
        let rank = shape.count
        if rank < 2 { return nil }
        var operands: [[Int]] = [Shape.expandedStrides(a.shape, a.strides, to: shape)]
        if let b { operands.append(Shape.expandedStrides(b.shape, b.strides, to: shape)) }
        if let c { operands.append(Shape.expandedStrides(c.shape, c.strides, to: shape)) }
        // torch's reorder_dimensions: fastest dimension first, decided by the first operand
        // whose strides tell the two dimensions apart (broadcast ones abstain), the smaller
        // size first on equal strides.
        func shouldSwap(_ d0: Int, _ d1: Int) -> Int {
            for strides in operands {
                let s0 = strides[d0], s1 = strides[d1]
                if s0 == 0 || s1 == 0 { continue }
                if s0 < s1 { return -1 }
                if s0 > s1 { return 1 }
                if shape[d0] > shape[d1] { return 1 }
            }
            return 0
        }
        var perm = Array((0..<rank).reversed())
        for i in 1..<rank {
            var d1 = i
            for d0 in stride(from: i - 1, through: 0, by: -1) {
                let comparison = shouldSwap(perm[d0], perm[d1])
                if comparison > 0 {
                    perm.swapAt(d0, d1)
                    d1 = d0
                } else if comparison < 0 {
                    break
                }
            }
        }
        if perm == Array((0..<rank).reversed()) { return nil }
        var strides = [Int](repeating: 0, count: rank)
        var next = 1
        for d in perm {
            strides[d] = next
            next *= shape[d]
        }
        return strides
    }
}
