/// torch's floating `sum` on CPU, addition for addition, so that float32 and float64 sums (and
/// `mean`, and the gradients summed back to a broadcast input's shape) round exactly as
/// torch's do, also where terms cancel.
///
/// torch lays a reduction out with its TensorIterator (dimensions fastest first, the reduced ones
/// in front, sorted by stride, then coalesced), fills the output with zeros, and adds each 2-d
/// slice's sums into it with SumKernel.cpp's `cascade_sum`: rows are summed four at a time in a
/// few levels of partial sums ("cascade"), on 8 float (4 double) lanes where the reduced or the
/// kept dimension is contiguous (torch's AVX2 kernels, which it also runs on AVX-512 machines).
/// Tensors of 32,768 elements or more are split between torch's threads, which changes the order
/// again; that split is not reproduced (such sums can differ from torch's in the last bits).
extension Kernels {
    /// `sum` of a floating tensor over `dims` (nil or empty: all), in torch's order, read where
    /// it lies: no reordered copy.
    static func floatingSum(_ x: Tensor, dims: [Int]?, keepDim: Bool) throws(TensorError) -> Tensor {
        let reduced = try reducedDimensions(x, dims)
        let out = try Tensor.uninitialized(reducedShape(x, reduced, keepDim: keepDim), x.dtype, x.context)
        if x.dtype == .float32 {
            cascadeSum(x, reduced: reduced, keepDim: keepDim, into: out, Float.self)
        } else {
            cascadeSum(x, reduced: reduced, keepDim: keepDim, into: out, Double.self)
        }
        return out
    }

    /// Which dimensions `dims` reduces (nil or empty: all of them), wrapped and checked.
    static func reducedDimensions(_ x: Tensor, _ dims: [Int]?) throws(TensorError) -> [Bool] {
        let all = dims?.isEmpty ?? true
        var reduced = Shape.filled(all, count: x.rank)
        if !all, let dims {
            for d in try Shape.wrap(dims, rank: x.rank) where x.rank > 0 { reduced[d] = true }
        }
        return reduced
    }

    /// The shape of a reduction's result.
    static func reducedShape(_ x: Tensor, _ reduced: [Bool], keepDim: Bool) -> [Int] {
        var shape: [Int] = []
        for d in 0..<x.rank where keepDim || !reduced[d] { shape.append(reduced[d] ? 1 : x.shape[d]) }
        return shape
    }

    /// Sums `x` over the dimensions marked in `reduced` into `out`: fresh, contiguous, of the
    /// reduced shape (`keepDim` says whether torch's result kept the reduced dimensions).
    static func cascadeSum<T: FloatingElement>(_ x: Tensor, reduced: [Bool], keepDim: Bool, into out: Tensor, _: T.Type) {
        let o = out.pointer(T.self)
        o.initialize(repeating: 0, count: out.count)
        if x.count == 0 { return }
        let p = UnsafePointer(x.pointer(T.self))
        if !reduced.contains(false) && x.isNonOverlappingAndDense {
            // every dimension of a dense tensor: one run through memory (what the layout below
            // coalesces it to)
            sumSlice(p, o, input: (1, 0), output: (0, 0), x.count, 1)
            return
        }
        let layout = IteratorLayout(x, reduced: reduced, keepDim: keepDim)
        let (size0, size1) = layout.sliceSizes
        let (input, output) = (layout.sliceStrides(layout.input), layout.sliceStrides(layout.output))
        // the outer dimensions, the third fastest first: one 2-d slice each
        layout.forEachOffset(in: layout.outerDimensions) { inOffset, outOffset in
            sumSlice(p + inOffset, o + outOffset, input: input, output: output, size0, size1)
        }
    }

    /// SumKernel.cpp's loop over one 2-d slice: `size0` by `size1` elements with these element
    /// strides, each output element accumulated (`+=`) into.
    private static func sumSlice<T: FloatingElement>(_ p: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>,
                                                     input: (Int, Int), output: (Int, Int), _ size0: Int, _ size1: Int) {
        var (input, output, size0, size1) = (input, output, size0, size1)
        if output.0 != 0 && output.1 == 0 {   // the reduced dimension first
            swap(&input.0, &input.1)
            swap(&output.0, &output.1)
            swap(&size0, &size1)
        }
        if output.0 != 0 && output.1 != 0 {   // nothing reduced here: out + x
            for j in 0..<size1 {
                for i in 0..<size0 { o[j * output.1 + i * output.0] += p[j * input.1 + i * input.0] }
            }
            return
        }
        let stride = output.1
        let lanes = T.SumVector.scalarCount
        @inline(__always) func vector(_ at: UnsafePointer<T>) -> T.SumVector {
            UnsafeRawPointer(at).loadUnaligned(as: T.SumVector.self)
        }
        @inline(__always) func store(_ j: Int, _ value: T) { o[j * stride] += value }
        @inline(__always) func store(_ j: Int, lanesOf value: T.SumVector) {
            for lane in 0..<lanes { store(j + lane, value[lane]) }
        }
        if input.0 == 1 && size0 >= lanes {
            // contiguous rows: summed in vectors, the leftover elements first, then the lanes
            let vectors = size0 / lanes
            for j in 0..<size1 {
                let row = p + j * input.1
                let sums = rowSum(vectors) { vector(row + $0 * lanes) }
                var total: T = 0
                for k in (vectors * lanes)..<size0 { total += row[k] }
                for lane in 0..<lanes { total += sums[lane] }
                store(j, total)
            }
        } else if input.1 == 1 && size1 >= lanes {
            // contiguous columns: four vectors of columns at once, then one, then single ones
            let rowStride = input.0
            var j = 0
            while j + 4 * lanes <= size1 {
                let base = p + j
                let sums = multiRowSum(size0) { i, k in vector(base + i * rowStride + k * lanes) }
                store(j, lanesOf: sums.0)
                store(j + lanes, lanesOf: sums.1)
                store(j + 2 * lanes, lanesOf: sums.2)
                store(j + 3 * lanes, lanesOf: sums.3)
                j += 4 * lanes
            }
            while j + lanes <= size1 {
                let base = p + j
                store(j, lanesOf: rowSum(size0) { vector(base + $0 * rowStride) })
                j += lanes
            }
            while j < size1 {
                let base = p + j
                store(j, rowSum(size0) { base[$0 * rowStride] })
                j += 1
            }
        } else if input.0 < input.1 {
            for j in 0..<size1 {
                let row = p + j * input.1
                store(j, rowSum(size0) { row[$0 * input.0] })
            }
        } else {
            var j = 0
            while j + 3 < size1 {
                let base = p + j * input.1
                let sums = multiRowSum(size0) { i, k in base[i * input.0 + k * input.1] }
                store(j, sums.0)
                store(j + 1, sums.1)
                store(j + 2, sums.2)
                store(j + 3, sums.3)
                j += 4
            }
            while j < size1 {
                let row = p + j * input.1
                store(j, rowSum(size0) { row[$0 * input.0] })
                j += 1
            }
        }
    }

    /// torch's `row_sum`: one row of `size` values read as four interleaved rows, then the
    /// leftovers, then the four partial sums in order.
    @inline(__always)
    private static func rowSum<A: SumAccumulator>(_ size: Int, _ load: (Int) -> A) -> A {
        let quarter = size / 4
        var (s0, s1, s2, s3) = multiRowSum(quarter) { i, k in load(i * 4 + k) }
        for i in (quarter * 4)..<size { s0 = s0 + load(i) }
        s0 = s0 + s1
        s0 = s0 + s2
        return s0 + s3
    }

    /// torch's `multi_row_sum`: four rows of `size` values summed at once, through four levels
    /// of partial sums, each level taking the one below when a chunk of 2^power values (16 or
    /// more) is done, so that only sums of similar size meet.
    @inline(__always)
    private static func multiRowSum<A: SumAccumulator>(_ size: Int, _ load: (_ i: Int, _ k: Int) -> A) -> (A, A, A, A) {
        let levels = 4
        let power = Swift.max(4, ceilLog2(size) / levels)
        let step = 1 << power, mask = step - 1
        return withUnsafeTemporaryAllocation(of: A.self, capacity: levels * 4) { acc -> (A, A, A, A) in
            acc.initialize(repeating: .zero)   // level j, row k at j * 4 + k
            var i = 0
            while i + step <= size {
                for _ in 0..<step {
                    for k in 0..<4 { acc[k] = acc[k] + load(i, k) }
                    i += 1
                }
                for j in 1..<levels {
                    for k in 0..<4 {
                        acc[j * 4 + k] = acc[j * 4 + k] + acc[(j - 1) * 4 + k]
                        acc[(j - 1) * 4 + k] = .zero
                    }
                    if i & (mask << (j * power)) != 0 { break }
                }
            }
            while i < size {
                for k in 0..<4 { acc[k] = acc[k] + load(i, k) }
                i += 1
            }
            for j in 1..<levels {
                for k in 0..<4 { acc[k] = acc[k] + acc[j * 4 + k] }
            }
            return (acc[0], acc[1], acc[2], acc[3])
        }
    }

    /// c10's `CeilLog2`: 1 up to 2.
    private static func ceilLog2(_ x: Int) -> Int {
        x <= 2 ? 1 : Int.bitWidth - (x - 1).leadingZeroBitCount
    }
}

/// A value torch's cascade sum accumulates: a float, or a vector of them added lane by lane.
protocol SumAccumulator {
    static var zero: Self { get }
    static func + (a: Self, b: Self) -> Self
}

extension Float: SumAccumulator {}
extension Double: SumAccumulator {}
extension SIMD8: SumAccumulator where Scalar == Float {}
extension SIMD4: SumAccumulator where Scalar == Double {}
