/// torch's floating `prod` on CPU in its order of multiplications, so that products round (and
/// overflow) as torch's do: Reduce.h's `binary_kernel_reduce_vec`, as `prod_kernel_impl` runs it,
/// over TensorIterator's layout (`IteratorLayout`). The output starts at 1; a contiguous row is
/// multiplied in four vectors of 8 float (4 double) lanes, which are then multiplied together
/// and lane by lane, the leftover elements last; contiguous columns go four vectors of columns at
/// a time; anything else one element after another. (One-thread torch beyond 32,768 elements.)
extension Kernels {
    static func floatingProduct(_ x: Tensor, dims: [Int]?, keepDim: Bool) throws(TensorError) -> Tensor {
        let reduced = try reducedDimensions(x, dims)
        let out = try Tensor.uninitialized(reducedShape(x, reduced, keepDim: keepDim), x.dtype, x.context)
        if x.dtype == .float32 {
            product(x, reduced, keepDim, into: out, Float.self)
        } else {
            product(x, reduced, keepDim, into: out, Double.self)
        }
        return out
    }

    private static func product<T: FloatingElement>(_ x: Tensor, _ reduced: [Bool], _ keepDim: Bool, into out: Tensor, _: T.Type) {
        let o = out.pointer(T.self)
        o.initialize(repeating: 1, count: out.count)
        if x.count == 0 { return }
        let p = UnsafePointer(x.pointer(T.self))
        let layout = IteratorLayout(x, reduced: reduced, keepDim: keepDim)
        let (size0, size1) = layout.sliceSizes
        let input = layout.sliceStrides(layout.input), output = layout.sliceStrides(layout.output)
        layout.forEachOffset(in: layout.outerDimensions) { inOffset, outOffset in
            productSlice(p + inOffset, o + outOffset, input: input, output: output, size0, size1)
        }
    }

    /// The loop over one 2-d slice: `out = out * x` along dimension 0 for each index of
    /// dimension 1.
    private static func productSlice<T: FloatingElement>(_ p: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>,
                                                         input: (Int, Int), output: (Int, Int), _ size0: Int, _ size1: Int) {
        let lanes = T.SumVector.scalarCount, block = 4 * lanes
        @inline(__always) func vector(_ at: UnsafePointer<T>) -> T.SumVector {
            UnsafeRawPointer(at).loadUnaligned(as: T.SumVector.self)
        }
        if output.0 == 0 && input.0 == 1 {
            // contiguous rows (torch's vectorized_inner_reduction)
            for j in 0..<size1 {
                let row = p + j * input.1, dst = o + j * output.1
                let blocks = size0 / block
                if blocks > 0 {
                    var a0 = vector(row), a1 = vector(row + lanes), a2 = vector(row + 2 * lanes), a3 = vector(row + 3 * lanes)
                    for i in 1..<blocks {
                        let b = row + i * block
                        a0 = a0 * vector(b)
                        a1 = a1 * vector(b + lanes)
                        a2 = a2 * vector(b + 2 * lanes)
                        a3 = a3 * vector(b + 3 * lanes)
                    }
                    let all = (a0 * a1) * (a2 * a3)
                    var r = all[0]
                    for k in 1..<lanes { r = r * all[k] }
                    dst.pointee = dst.pointee * r
                }
                for i in (blocks * block)..<size0 { dst.pointee = dst.pointee * row[i] }
            }
        } else if output.0 == 0 && output.1 == 1 && input.1 == 1 {
            // contiguous columns (torch's vectorized_outer_reduction)
            let blocks = size1 / block
            for c in 0..<blocks {
                let base = p + c * block, dst = o + c * block
                var a0 = vector(base), a1 = vector(base + lanes), a2 = vector(base + 2 * lanes), a3 = vector(base + 3 * lanes)
                for i in 1..<size0 {
                    let b = base + i * input.0
                    a0 = a0 * vector(b)
                    a1 = a1 * vector(b + lanes)
                    a2 = a2 * vector(b + 2 * lanes)
                    a3 = a3 * vector(b + 3 * lanes)
                }
                func store(_ a: T.SumVector, at: UnsafeMutablePointer<T>) {
                    let product = a * vector(at)
                    for lane in 0..<lanes { at[lane] = product[lane] }
                }
                store(a0, at: dst)
                store(a1, at: dst + lanes)
                store(a2, at: dst + 2 * lanes)
                store(a3, at: dst + 3 * lanes)
            }
            for column in (blocks * block)..<size1 {
                for i in 0..<size0 { o[column] = o[column] * p[column + i * input.0] }
            }
        } else {
            for j in 0..<size1 {
                for i in 0..<size0 { o[j * output.1 + i * output.0] = o[j * output.1 + i * output.0] * p[j * input.1 + i * input.0] }
            }
        }
    }
}
