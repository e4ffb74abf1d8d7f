/// torch's `var` and `std` on CPU, in its order of operations, so that they round as torch's do.
///
/// A reduction to one value is ReduceOps.cpp's `std_var_all_cpu`: the mean as `mean()` computes
/// it (in the tensor's dtype), then the squared deviations summed in double through memory, one
/// partial sum per 2-d slice. Any other is `std_var_kernel_impl`: Welford's update in double
/// over each output's elements in TensorIterator's order. The result is rounded to the dtype once.
/// (Beyond 32,768 elements torch splits the work between its threads; this is its one-thread
/// order.)
extension Kernels {
    static func variance(_ x: Tensor, dims: [Int]?, correction: Double, keepDim: Bool,
                         squareRoot: Bool = false) throws(TensorError) -> Tensor {
        let reduced = try reducedDimensions(x, dims)
        let out = try Tensor.uninitialized(reducedShape(x, reduced, keepDim: keepDim), x.dtype, x.context)
        if x.dtype == .float32 {
            try variance(x, reduced, keepDim, correction, squareRoot, into: out, Float.self)
        } else {
            try variance(x, reduced, keepDim, correction, squareRoot, into: out, Double.self)
        }
        return out
    }

    private static func variance<T: FloatingElement>(_ x: Tensor, _ reduced: [Bool], _ keepDim: Bool, _ correction: Double,
                                                     _ squareRoot: Bool, into out: Tensor, _: T.Type) throws(TensorError) {
        let o = out.pointer(T.self), p = UnsafePointer(x.pointer(T.self))
        func result(_ sumOfSquares: Double, _ n: Double) -> T {
            let variance = sumOfSquares / (n > correction ? n - correction : 0)
            return T(squareRoot ? variance.squareRoot() : variance)
        }
        if x.count == 0 {
            o.initialize(repeating: .nan, count: out.count)
        } else if out.count == 1 {
            // std_var_all_cpu
            let mean = try floatingSum(x, dims: nil, keepDim: false)
            divideInPlace(mean, by: x.count)
            let m = Double(mean.pointer(T.self).pointee)
            let layout = IteratorLayout(x, reduced: [Bool](repeating: true, count: x.rank), keepDim: false)
            let (size0, size1) = layout.sliceSizes, (in0, in1) = layout.sliceStrides(layout.input)
            var total = 0.0
            layout.forEachOffset(in: layout.outerDimensions) { offset, _ in
                var slice = 0.0
                for i in 0..<size1 {
                    for j in 0..<size0 {
                        let dx = Double(p[offset + i * in1 + j * in0]) - m
                        slice += dx * dx
                    }
                }
                total += slice
            }
            o.pointee = result(total, Double(x.count))
        } else {
            // Welford's update per output, over its elements in TensorIterator's order
            let layout = IteratorLayout(x, reduced: reduced, keepDim: keepDim)
            let reducedRank = layout.reducedRank
            layout.forEachOffset(in: reducedRank..<layout.rank) { inBase, outBase in
                var mean = 0.0, m2 = 0.0, n = 0.0
                layout.forEachOffset(in: 0..<reducedRank) { offset, _ in
                    let v = Double(p[inBase + offset])
                    n += 1
                    let delta = v - mean
                    mean += delta / n
                    m2 += delta * (v - mean)
                }
                o[outBase] = result(m2, n)
            }
        }
    }
}
