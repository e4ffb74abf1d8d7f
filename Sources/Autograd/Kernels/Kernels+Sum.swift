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
        let layout = SumLayout(x, reduced: reduced, keepDim: keepDim)
        let rank = layout.sizes.count
        let size0 = layout.sizes[0], size1 = rank > 1 ? layout.sizes[1] : 1
        let input = (layout.input[0], rank > 1 ? layout.input[1] : 0)
        let output = (layout.output[0], rank > 1 ? layout.output[1] : 0)
        guard rank > 2 else {
            sumSlice(p, o, input: input, output: output, size0, size1)
            return
        }
        // the outer dimensions, the third fastest first: one 2-d slice each
        var index = [Int](repeating: 0, count: rank)
        var inOffset = 0, outOffset = 0
        while true {
            sumSlice(p + inOffset, o + outOffset, input: input, output: output, size0, size1)
            var d = 2
            while d < rank {
                index[d] += 1
                inOffset += layout.input[d]
                outOffset += layout.output[d]
                if index[d] < layout.sizes[d] { break }
                inOffset -= layout.input[d] * layout.sizes[d]
                outOffset -= layout.output[d] * layout.sizes[d]
                index[d] = 0
                d += 1
            }
            if d == rank { return }
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

/// TensorIterator's layout of a sum: sizes and element strides of the input and the output,
/// fastest dimension first, reduced dimensions in front, then by stride, adjacent dimensions
/// that iterate as one merged.
private struct SumLayout {
    var sizes: [Int] = [], input: [Int] = [], output: [Int] = []

    init(_ x: Tensor, reduced: [Bool], keepDim: Bool) {
        let rank = x.rank
        // torch's result is contiguous in the reduced shape; a reduced dimension has stride 0
        // (kept as size 1 with its own stride when keepdim, unless it is broadcast)
        var keptShape = x.shape
        for d in 0..<rank where reduced[d] { keptShape[d] = 1 }
        let contiguous = Shape.contiguousStrides(keptShape)
        // TensorIterator's order: the last dimension first
        for d in stride(from: rank - 1, through: 0, by: -1) {
            sizes.append(x.shape[d])
            input.append(x.strides[d])
            output.append(reduced[d] && (!keepDim || x.shape[d] != 1) ? 0 : contiguous[d])
        }
        sort()
        coalesce()
    }

    /// torch's `reorder_dimensions`: an insertion sort with ambiguous comparisons.
    private mutating func sort() {
        let n = sizes.count
        guard n > 1 else { return }
        var perm = Array(0..<n)
        for i in 1..<n {
            var d1 = i
            for d0 in stride(from: i - 1, through: 0, by: -1) {
                let comparison = order(perm[d0], perm[d1])
                if comparison > 0 {
                    perm.swapAt(d0, d1)
                    d1 = d0
                } else if comparison < 0 {
                    break
                }
            }
        }
        (sizes, input, output) = (perm.map { sizes[$0] }, perm.map { input[$0] }, perm.map { output[$0] })
    }

    /// 1 when dimension `a` goes after `b`, -1 before, 0 when undecided: reduced dimensions
    /// first, then smaller strides, the output's before the input's.
    private func order(_ a: Int, _ b: Int) -> Int {
        if (output[a] == 0) != (output[b] == 0) { return output[b] == 0 ? 1 : -1 }
        return Self.order(output[a], output[b], sizes[a], sizes[b])
            ?? Self.order(input[a], input[b], sizes[a], sizes[b]) ?? 0
    }

    /// One operand's say, or nil to leave it to the next: a stride 0 abstains, equal strides
    /// put the larger size after.
    private static func order(_ s0: Int, _ s1: Int, _ n0: Int, _ n1: Int) -> Int? {
        if s0 == 0 || s1 == 0 { return nil }
        if s0 != s1 { return s0 < s1 ? -1 : 1 }
        return n0 > n1 ? 1 : nil
    }

    /// torch's `coalesce_dimensions`: merges a dimension into the one before when either has
    /// size 1 or both operands step through them as through one.
    private mutating func coalesce() {
        guard sizes.count > 1 else { return }
        var previous = 0
        for d in 1..<sizes.count {
            let merges = sizes[previous] == 1 || sizes[d] == 1
                || (sizes[previous] * input[previous] == input[d] && sizes[previous] * output[previous] == output[d])
            if merges {
                if sizes[previous] == 1 {
                    input[previous] = input[d]
                    output[previous] = output[d]
                }
                sizes[previous] *= sizes[d]
            } else {
                previous += 1
                if previous != d {
                    input[previous] = input[d]
                    output[previous] = output[d]
                    sizes[previous] = sizes[d]
                }
            }
        }
        sizes.removeLast(sizes.count - previous - 1)
        input.removeLast(input.count - previous - 1)
        output.removeLast(output.count - previous - 1)
    }
}
