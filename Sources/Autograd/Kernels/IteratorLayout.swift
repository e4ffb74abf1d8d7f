/// torch's TensorIterator layout of a reduction (TensorIterator.cpp): sizes and element
/// strides of the input and the output, fastest dimension first, reduced dimensions in front,
/// then by stride, adjacent dimensions that iterate as one merged. torch's reduction kernels
/// visit elements in this order, and so must we to add them as it does.
struct IteratorLayout {
    private(set) var sizes: [Int] = [], input: [Int] = [], output: [Int] = []

    var rank: Int { sizes.count }

    /// The two fastest dimensions, which torch's kernels loop over themselves (1 when absent).
    var sliceSizes: (Int, Int) { (rank > 0 ? sizes[0] : 1, rank > 1 ? sizes[1] : 1) }

    func sliceStrides(_ strides: [Int]) -> (Int, Int) { (rank > 0 ? strides[0] : 0, rank > 1 ? strides[1] : 0) }

    /// The dimensions beyond the two fastest: one 2-d slice per index of them.
    var outerDimensions: Range<Int> { Swift.min(2, rank)..<rank }

    /// The number of leading dimensions the output does not step along: the reduced ones.
    var reducedRank: Int { output.prefix { $0 == 0 }.count }

    /// Calls `body(inputOffset, outputOffset)` for each index of the dimensions in `dims`, the
    /// first fastest (once, at 0, for no dimensions).
    func forEachOffset(in dims: Range<Int>, _ body: (Int, Int) -> Void) {
        var index = Shape.filled(0, count: rank)
        var inOffset = 0, outOffset = 0
        while true {
            body(inOffset, outOffset)
            var d = dims.lowerBound
            while d < dims.upperBound {
                index[d] += 1
                inOffset += input[d]
                outOffset += output[d]
                if index[d] < sizes[d] { break }
                inOffset -= input[d] * sizes[d]
                outOffset -= output[d] * sizes[d]
                index[d] = 0
                d += 1
            }
            if d == dims.upperBound { return }
        }
    }

    /// The layout of reducing `x` over the dimensions marked in `reduced` into a fresh
    /// contiguous result (`keepDim` as torch's call had it; it decides a size-1 reduced
    /// dimension's output stride).
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

    /// torch's `reorder_dimensions` for a reduction.
    private mutating func sort() {
        guard sizes.count > 1 else { return }
        var perm = Array(0..<sizes.count)
        reorderDimensions(&perm, by: order)
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

/// torch's `reorder_dimensions` (TensorIterator.cpp): an insertion sort of the dimensions in
/// `perm` with ambiguous comparisons. `order(a, b)` is 1 when dimension `a` goes after `b`, -1
/// before, 0 when it cannot tell (the dimensions then keep their order).
func reorderDimensions<C: MutableCollection>(_ perm: inout C, by order: (Int, Int) -> Int) where C.Element == Int, C.Index == Int {
    guard perm.count > 1 else { return }
    for i in 1..<perm.count {
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
}
