/// The strides torch's TensorIterator gives the fresh output of a pointwise op: row-major when
/// the operands are, else dense in the order of the operands' own strides, so that
/// `exp(x.t())` is laid out as `x.t()` is (and so is not contiguous, as torch's is not).
enum OutputLayout {
    /// Strides for an output of `shape` over `a`, `b`, `c` (the op's tensor inputs), or nil for
    /// row-major. Operands that do not broadcast to `shape` were rejected before.
    @inline(__always)
    static func strides(_ shape: [Int], _ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil) -> [Int]? {
        // Contiguous operands (broadcast or not) always give row-major: the common case.
        if a.isContiguous && (b?.isContiguous ?? true) && (c?.isContiguous ?? true) { return nil }
        return permutedStrides(shape, a, b, c)
    }

    @inline(never)
    private static func permutedStrides(_ shape: [Int], _ a: Tensor, _ b: Tensor?, _ c: Tensor?) -> [Int]? {
        let rank = shape.count
        if rank < 2 { return nil }
        // torch's reorder_dimensions: fastest dimension first, decided by the first operand
        // whose strides tell the two dimensions apart (broadcast ones abstain), the smaller
        // size first on equal strides.
        func strideAlong(_ t: Tensor, _ d: Int) -> Int {   // output dim d; 0 where t broadcasts
            let i = d - (rank - t.rank)
            return i < 0 || (t.shape[i] == 1 && shape[d] != 1) ? 0 : t.strides[i]
        }
        func order(_ t: Tensor?, _ d0: Int, _ d1: Int) -> Int? {
            guard let t else { return nil }
            let s0 = strideAlong(t, d0), s1 = strideAlong(t, d1)
            if s0 == 0 || s1 == 0 { return nil }
            if s0 != s1 { return s0 < s1 ? -1 : 1 }
            return shape[d0] > shape[d1] ? 1 : nil
        }
        func shouldSwap(_ d0: Int, _ d1: Int) -> Int { order(a, d0, d1) ?? order(b, d0, d1) ?? order(c, d0, d1) ?? 0 }
        // The insertion sort with ambiguous comparisons, in stack memory: most calls end
        // row-major (the starting order), and allocate nothing.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { perm -> [Int]? in
            for j in 0..<rank { perm[j] = rank - 1 - j }
            var permutation = perm   // the same memory
            reorderDimensions(&permutation, by: shouldSwap)
            if (0..<rank).allSatisfy({ perm[$0] == rank - 1 - $0 }) { return nil }
            var strides = Shape.filled(0, count: rank)
            var next = 1
            for j in 0..<rank {
                strides[perm[j]] = next
                next = next &* shape[perm[j]]   // an empty tensor's sizes may be huge
            }
            return strides
        }
    }
}
