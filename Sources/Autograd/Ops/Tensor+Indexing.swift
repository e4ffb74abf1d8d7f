// Indexing: `x[...]` with ints, slices, None, Ellipsis and integer/bool lists; gather, scatter,
// scatter_add; and the backward ops that write a gradient into zeros (select_backward,
// slice_backward, index_put).

private let indexRule = Derivatives.named("index.Tensor")
private let indexPutRule = Derivatives.named("index_put")
private let gatherRule = Derivatives.named("gather")
private let scatterRule = Derivatives.named("scatter.src")
private let scatterAddRule = Derivatives.named("scatter_add")
private let selectBackwardRule = Derivatives.named("select_backward")
private let sliceBackwardRule = Derivatives.named("slice_backward")

/// One entry of a Python subscript: `x[1, 2:5, None, ..., [0, 2]]`.
public enum IndexItem {
    case integer(Int)
    case slice(start: Int?, stop: Int?, step: Int?)
    case newAxis
    case ellipsis
    /// Advanced indexing by an integer (or bool mask) tensor.
    case tensor(Tensor)
}

/// The advanced-indexing part of a subscript: index tensors (broadcast to one shape) for some
/// dimensions, and where the indexed dimensions go in the result.
final class AdvancedIndex {
    /// For each input dimension, its int64 index tensor (broadcast), or nil.
    let indices: [Tensor?]
    /// The broadcast shape of the index tensors.
    let indexShape: [Int]
    /// The input shape being indexed.
    let inputShape: [Int]

    init(indices: [Tensor?], indexShape: [Int], inputShape: [Int]) {
        self.indices = indices
        self.indexShape = indexShape
        self.inputShape = inputShape
    }

    /// Indexed input dimensions, in order.
    var advancedDims: [Int] { indices.indices.filter { indices[$0] != nil } }
    /// The other input dimensions, in order.
    var plainDims: [Int] { indices.indices.filter { indices[$0] == nil } }
    /// True when the indexed dimensions are adjacent: their result dimensions then replace them
    /// in place; otherwise they go first (NumPy's rule, which torch follows).
    var adjacent: Bool {
        let dims = advancedDims
        return dims.last! - dims.first! + 1 == dims.count
    }

    /// The result's shape.
    var resultShape: [Int] {
        let plain = plainDims.map { inputShape[$0] }
        if adjacent {
            let at = advancedDims.first!
            let before = plainDims.filter { $0 < at }.count
            return Array(plain[..<before]) + indexShape + Array(plain[before...])
        }
        return indexShape + plain
    }

    /// Flat offsets (in the input's row-major order over the indexed dims) for each index
    /// position, and the row-major stride of each plain dim.
    func linearOffsets() -> [Int] {
        let dims = advancedDims
        let count = Shape.product(indexShape)
        var linear = [Int](repeating: 0, count: count)
        var stride = 1
        for d in dims.reversed() {
            let index = indices[d]!.pointer(Int64.self)
            for k in 0..<count { linear[k] += Int(index[k]) * stride }
            stride *= inputShape[d]
        }
        return linear
    }
}

extension Tensor {
    /// `x[items]`: basic indexing becomes views (select, slice, unsqueeze), then any integer
    /// lists index the result (IndexBackward0), as torch's `applySlicing` does.
    public func index(_ items: [IndexItem]) throws(TensorError) -> Tensor {
        let consuming = items.reduce(0) { n, item in
            switch item {
            case .integer, .slice: n + 1
            case .tensor(let t): n + (t.dtype == .bool ? Swift.max(t.rank, 1) : 1)
            case .newAxis, .ellipsis: n
            }
        }
        guard consuming <= rank else {
            throw .evaluation("too many indices for tensor of dimension \(rank)")
        }
        var result = self
        var dim = 0
        var advanced: [(dim: Int, index: Tensor)] = []
        var sawEllipsis = false
        for (position, item) in items.enumerated() {
            switch item {
            case .integer(let i):
                let size = result.shape[dim]
                guard i >= -size && i < size else {
                    // torch names the item's position in the index, not the dimension it indexes
                    throw .evaluation("index \(i) is out of bounds for dimension \(position) with size \(size)")
                }
                result = try result.select(dim: dim, index: i)
            case .slice(let start, let stop, let step):
                let size = result.shape[dim]
                let full = (start ?? 0) == 0 && (stop ?? size) >= size && (step ?? 1) == 1
                if !full { result = try result.slice(dim: dim, start: start, end: stop, step: step ?? 1) }
                dim += 1
            case .newAxis:
                result = try result.unsqueeze(dim)
                dim += 1
            case .ellipsis:
                if sawEllipsis { throw .invalidArgument("an index can only have a single ellipsis ('...')") }
                sawEllipsis = true
                dim += rank - consuming
            case .tensor(let t):
                if t.dtype == .bool {
                    let span = Swift.max(t.rank, 1)
                    let maskShape = Array(result.shape[dim..<(dim + t.rank)])
                    guard t.rank == 0 || t.shape == maskShape else {
                        throw .evaluation("The shape of the mask \(Shape.format(t.shape)) at index 0 does not match the shape of the indexed tensor \(Shape.format(result.shape)) at index \(dim)")
                    }
                    for (k, column) in try t.nonzeroColumns().enumerated() { advanced.append((dim + k, column)) }
                    dim += span
                } else if t.dtype == .int64 {
                    advanced.append((dim, t))
                    dim += 1
                } else {
                    throw .evaluation("tensors used as indices must be long, int, byte or bool tensors")
                }
            }
        }
        if advanced.isEmpty { return result === self ? try result.viewAlias() : result }
        return try result.advancedIndex(advanced)
    }

    /// A view of the whole tensor (`x[...]`, `x[:]`): torch answers an alias.
    private func viewAlias() throws(TensorError) -> Tensor {
        try slice(dim: 0, start: nil, end: nil)
    }

    /// The int64 columns of `nonzero()` for a bool mask: one index tensor per mask dimension.
    func nonzeroColumns() throws(TensorError) -> [Tensor] {
        let mask = try contiguousData()
        let p = mask.pointer(Bool.self)
        var hits: [Int] = []
        for i in 0..<count where p[i] { hits.append(i) }
        let dims = Swift.max(rank, 1)
        let maskShape = rank == 0 ? [1] : shape
        var columns: [Tensor] = []
        for d in 0..<dims {
            let column = try Tensor.uninitialized([hits.count], .int64, context)
            let c = column.pointer(Int64.self)
            let inner = Shape.product(maskShape[(d + 1)...])
            for (k, flat) in hits.enumerated() { c[k] = Int64((flat / inner) % maskShape[d]) }
            columns.append(column)
        }
        return columns
    }

    /// Advanced indexing of the given dims by int64 tensors. Backward: IndexBackward0.
    func advancedIndex(_ entries: [(dim: Int, index: Tensor)]) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        var indexShape: [Int] = []
        for entry in entries { indexShape = try Shape.broadcast(indexShape, entry.index.shape) }
        var indices = [Tensor?](repeating: nil, count: rank)
        for (dim, index) in entries {
            guard indices[dim] == nil else { throw .evaluation("index dimension used twice") }
            let size = shape[dim]
            let expanded = try Tensor.uninitialized(indexShape, .int64, context)
            Kernels.copy(from: index, into: expanded)
            let p = expanded.pointer(Int64.self)
            for k in 0..<expanded.count {
                let v = Int(p[k])
                guard v >= -size && v < size else {
                    throw .evaluation(size == 0 ? "index is out of bounds for dimension with size 0"
                                                : "index \(v) is out of bounds for dimension \(dim) with size \(size)")
                }
                if v < 0 { p[k] = Int64(v + size) }
            }
            indices[dim] = expanded
        }
        let plan = AdvancedIndex(indices: indices, indexShape: indexShape, inputShape: shape)
        let out = try Kernels.gatherIndexed(self, plan)
        if let node = try indexRule.record(self, output: out) {
            node.attributes.payload = plan
            // torch saves the index tensors (a mask's as given; here, its nonzero columns: the
            // wire's masks are literals, never written), which backward frees
            for (_, index) in entries { node.save(index, checked: true) }
        }
        return out
    }

    /// Zeros of the plan's input shape with `self` (shaped like the indexing result) added at the
    /// indexed positions; repeated positions accumulate. Backward: IndexPutImplBackward0 (torch's index_backward runs `_index_put_impl_`).
    func indexPutIntoZeros(_ plan: AdvancedIndex) throws(TensorError) -> Tensor {
        let out = try Kernels.scatterIndexed(self, plan)
        try indexPutRule.record(self, output: out)?.attributes.payload = plan
        return out
    }

    /// Reads `plan`'s positions back out of a gradient shaped like the input (the backward of
    /// `indexPutIntoZeros`). Backward: IndexBackward0.
    func gatherIndexed(_ plan: AdvancedIndex) throws(TensorError) -> Tensor {
        let out = try Kernels.gatherIndexed(self, plan)
        try indexRule.record(self, output: out)?.attributes.payload = plan
        return out
    }

    /// `torch.gather(x, dim, index)`. Backward: GatherBackward0.
    public func gather(dim: Int, index: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let d = try Shape.wrap(dim, rank: rank)
        let out = try Kernels.gather(self, dim: d, index: index)
        if let node = try gatherRule.record(self, output: out) {
            node.save(index)
            node.attributes.dims = [d]
        }
        return out
    }

    /// `torch.zeros(shape).scatter(dim, index, self)`: `self` written at `index` along `dim`.
    /// Backward: ScatterBackward0.
    func scatterIntoZeros(shape: [Int], dim d: Int, index: Tensor) throws(TensorError) -> Tensor {
        let out = try Kernels.scatter(self, into: shape, dim: d, index: index, accumulate: false)
        if let node = try scatterRule.record(nil, self, output: out) {
            node.save(index)
            node.attributes.dims = [d]
        }
        return out
    }

    /// `torch.zeros(shape).scatter_add(dim, index, self)`. Backward: ScatterAddBackward0.
    func scatterAddIntoZeros(shape: [Int], dim d: Int, index: Tensor) throws(TensorError) -> Tensor {
        let out = try Kernels.scatter(self, into: shape, dim: d, index: index, accumulate: true)
        if let node = try scatterAddRule.record(nil, self, output: out) {
            node.save(index)
            node.attributes.dims = [d]
        }
        return out
    }

    /// torch's `select_backward`: zeros of `shape` with `self` at `index` along `dim`.
    /// Backward: SelectBackwardBackward0.
    func selectBackward(shape: [Int], dim d: Int, index i: Int) throws(TensorError) -> Tensor {
        let out = try Tensor.zeros(shape, dtype: dtype, context: context)
        var viewShape = shape, viewStrides = out.strides
        viewShape.remove(at: d)
        viewStrides.remove(at: d)
        Kernels.copy(from: self, into: out.view(shape: viewShape, strides: viewStrides, offset: i * out.strides[d]))
        if let node = try selectBackwardRule.record(self, output: out) {
            node.attributes.dims = [d]
            node.attributes.integers = [i]
        }
        return out
    }

    /// torch's `slice_backward`: zeros of `shape` with `self` at `start..<end` by `step`.
    /// Backward: SliceBackwardBackward0.
    func sliceBackward(shape: [Int], dim d: Int, start: Int, end: Int, step: Int) throws(TensorError) -> Tensor {
        let out = try Tensor.zeros(shape, dtype: dtype, context: context)
        var viewShape = shape, viewStrides = out.strides
        viewShape[d] = self.shape[d]
        viewStrides[d] *= step
        Kernels.copy(from: self, into: out.view(shape: viewShape, strides: viewStrides, offset: start * out.strides[d]))
        if let node = try sliceBackwardRule.record(self, output: out) {
            node.attributes.dims = [d]
            node.attributes.integers = [start, end, step]
        }
        return out
    }
}

extension Kernels {
    /// Reads the positions of an advanced index: the result of `x[indices]`.
    static func gatherIndexed(_ x: Tensor, _ plan: AdvancedIndex) throws(TensorError) -> Tensor {
        let (permuted, rows, rowSize) = try x.advancedLayout(plan)
        let linear = plan.linearOffsets()
        let outShape = plan.resultShape
        let gathered = try Tensor.uninitialized([linear.count, rowSize], x.dtype, x.context)
        let width = x.dtype.byteWidth * rowSize
        let src = permuted.address
        for (k, row) in linear.enumerated() where width > 0 {
            precondition(row < rows)
            (gathered.address + k * width).copyMemory(from: src + row * width, byteCount: width)
        }
        return try gathered.placeIndexDims(plan, outShape)
    }

    /// Adds `values` (shaped like an index result) into zeros of the input's shape.
    static func scatterIndexed(_ values: Tensor, _ plan: AdvancedIndex) throws(TensorError) -> Tensor {
        let plain = plan.plainDims.map { plan.inputShape[$0] }
        let rowSize = Shape.product(plain)
        let rows = Shape.product(plan.advancedDims.map { plan.inputShape[$0] })
        // Values in [index positions, plain dims] order.
        let ordered = try values.unplaceIndexDims(plan).contiguousData()
        let sums = try Tensor.zeros([rows, rowSize], dtype: values.dtype, context: values.context)
        let linear = plan.linearOffsets()
        func accumulate<T: AdditiveArithmetic>(_: T.Type) {
            let s = sums.pointer(T.self), v = ordered.pointer(T.self)
            for (k, row) in linear.enumerated() {
                for j in 0..<rowSize { s[row * rowSize + j] += v[k * rowSize + j] }
            }
        }
        switch values.dtype {
        case .float32: accumulate(Float.self)
        case .float64: accumulate(Double.self)
        case .int64: accumulate(Int64.self)
        case .bool: throw fail("index_put_ with accumulate=True does not support bool tensors")
        }
        // Back from [advanced dims..., plain dims...] to the input's dimension order.
        let order = plan.advancedDims + plan.plainDims
        let permutedShape = order.map { plan.inputShape[$0] }
        let permuted = Tensor(storage: sums.storage, shape: permutedShape, strides: Shape.contiguousStrides(permutedShape),
                              offset: 0, dtype: values.dtype, context: values.context)
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return try permuted.permutedData(inverse)
    }

    /// `out[i][j][k] = x[i][index[i][j][k]][k]` (for dim 1), index in bounds.
    static func gather(_ x: Tensor, dim d: Int, index: Tensor) throws(TensorError) -> Tensor {
        guard index.dtype == .int64 else { throw fail("gather(): Expected dtype int64 for index") }
        guard index.rank == x.rank || (x.rank == 0 && index.rank <= 1) else {
            throw fail("Index tensor must have the same number of dimensions as input tensor")
        }
        let out = try Tensor.uninitialized(index.shape, x.dtype, x.context)
        let idx = try index.contiguousData()
        let size = x.rank == 0 ? 1 : x.shape[d]
        try forEachScatterPosition(index.shape, dim: d) { (flat, coords, k) throws(TensorError) in
            let i = Int(idx.pointer(Int64.self)[flat])
            guard i >= -size && i < size else {
                throw fail("index \(i) is out of bounds for dimension \(d) with size \(size)")
            }
            var source = x.offset
            for (a, c) in coords.enumerated() where x.rank > 0 { source += (a == d ? (i < 0 ? i + size : i) : c) * x.strides[a] }
            copyElement(x, source, out, flat)
        }
        return out
    }

    /// Zeros of `shape` with `src` written (or added) at `index` along `dim`.
    static func scatter(_ src: Tensor, into shape: [Int], dim d: Int, index: Tensor, accumulate: Bool) throws(TensorError) -> Tensor {
        let out = try Tensor.zeros(shape, dtype: src.dtype, context: src.context)
        let idx = try index.contiguousData()
        let source = try src.contiguousData()
        let size = shape.isEmpty ? 1 : shape[d]
        let outStrides = out.strides
        try forEachScatterPosition(index.shape, dim: d) { (flat, coords, k) throws(TensorError) in
            let i = Int(idx.pointer(Int64.self)[flat])
            guard i >= -size && i < size else {
                throw fail("index \(i) is out of bounds for dimension \(d) with size \(size)")
            }
            var target = 0
            for (a, c) in coords.enumerated() where !shape.isEmpty { target += (a == d ? (i < 0 ? i + size : i) : c) * outStrides[a] }
            // `src` is read at the index's own coordinates (its shape may be larger).
            var read = 0
            for (a, c) in coords.enumerated() where source.rank > 0 { read += c * source.strides[a] }
            switch src.dtype {
            case .float32: let p = out.pointer(Float.self), s = source.pointer(Float.self); p[target] = accumulate ? p[target] + s[read] : s[read]
            case .float64: let p = out.pointer(Double.self), s = source.pointer(Double.self); p[target] = accumulate ? p[target] + s[read] : s[read]
            case .int64: let p = out.pointer(Int64.self), s = source.pointer(Int64.self); p[target] = accumulate ? p[target] &+ s[read] : s[read]
            case .bool: let p = out.pointer(Bool.self), s = source.pointer(Bool.self); p[target] = accumulate ? p[target] || s[read] : s[read]
            }
        }
        return out
    }

    /// Calls `body(flat, coordinates, k)` for every position of an index tensor of `shape`.
    private static func forEachScatterPosition(_ shape: [Int], dim: Int,
                                               _ body: (Int, [Int], Int) throws(TensorError) -> Void) throws(TensorError) {
        let count = Shape.product(shape)
        var coords = [Int](repeating: 0, count: shape.count)
        for flat in 0..<count {
            try body(flat, coords, dim < coords.count ? coords[dim] : 0)
            var a = shape.count - 1
            while a >= 0 {
                coords[a] += 1
                if coords[a] < shape[a] { break }
                coords[a] = 0
                a -= 1
            }
        }
    }

    private static func copyElement(_ src: Tensor, _ srcOffset: Int, _ dst: Tensor, _ dstIndex: Int) {
        let w = src.dtype.byteWidth
        (dst.address + dstIndex * w).copyMemory(from: src.storage.bytes + srcOffset * w, byteCount: w)
    }
}

extension Tensor {
    /// The input permuted to [indexed dims..., plain dims...], contiguous, as rows of the plain
    /// part: answers the data, the number of rows and the row length.
    fileprivate func advancedLayout(_ plan: AdvancedIndex) throws(TensorError) -> (Tensor, Int, Int) {
        let order = plan.advancedDims + plan.plainDims
        let data = order == Array(0..<rank) ? try contiguousData() : try permutedData(order)
        let rows = Shape.product(plan.advancedDims.map { shape[$0] })
        let rowSize = Shape.product(plan.plainDims.map { shape[$0] })
        return (data, rows, rowSize)
    }

    /// A `[positions, rowSize]` gather result moved into the result's dimension order.
    fileprivate func placeIndexDims(_ plan: AdvancedIndex, _ outShape: [Int]) throws(TensorError) -> Tensor {
        let plain = plan.plainDims.map { plan.inputShape[$0] }
        let grouped = plan.indexShape + plain
        let asGrouped = Tensor(storage: storage, shape: grouped, strides: Shape.contiguousStrides(grouped),
                               offset: 0, dtype: dtype, context: context)
        guard plan.adjacent else { return asGrouped }
        let before = plan.plainDims.filter { $0 < plan.advancedDims.first! }.count
        if before == 0 { return asGrouped }
        let b = plan.indexShape.count
        // grouped = [index dims (b), plain before, plain after]; want [before, index, after].
        let order = Array(b..<(b + before)) + Array(0..<b) + Array((b + before)..<grouped.count)
        let out = try asGrouped.permutedData(order)
        precondition(out.shape == outShape)
        return out
    }

    /// The inverse of `placeIndexDims`: a tensor shaped like the result, in [index dims,
    /// plain dims] order.
    fileprivate func unplaceIndexDims(_ plan: AdvancedIndex) throws(TensorError) -> Tensor {
        guard plan.adjacent else { return self }
        let before = plan.plainDims.filter { $0 < plan.advancedDims.first! }.count
        if before == 0 { return self }
        let b = plan.indexShape.count
        let order = Array(before..<(before + b)) + Array(0..<before) + Array((before + b)..<rank)
        return try permutedData(order)
    }
}
