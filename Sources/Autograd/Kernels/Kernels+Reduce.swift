import RealModule

/// A tensor laid out for reduction: the kept dimensions outermost, the reduced ones innermost
/// and contiguous, so each output element reduces one contiguous block of `inner` elements.
struct ReductionLayout {
    /// The input, permuted and made contiguous where needed.
    let data: Tensor
    /// Number of output elements.
    let outer: Int
    /// Elements reduced into each output element.
    let inner: Int
    /// The output shape with reduced dimensions kept as 1 (`keepdim=True`).
    var keptShape: [Int] { reducesAll ? Shape.filled(1, count: data.rank) : partialKeptShape }
    /// The output shape with reduced dimensions removed.
    var squeezedShape: [Int] { reducesAll ? [] : partialSqueezedShape }
    /// The reduced dimensions, wrapped and sorted.
    var dims: [Int] { reducesAll ? Array(0..<data.rank) : partialDims }
    /// Every dimension is reduced (the shapes and dims above are then made on demand).
    private let reducesAll: Bool
    private let partialKeptShape: [Int], partialSqueezedShape: [Int], partialDims: [Int]

    /// Lays `x` out for reducing `dims` (nil or empty: every dimension).
    init(_ x: Tensor, dims requested: [Int]?) throws(TensorError) {
        let rank = x.rank
        if requested?.isEmpty ?? true {
            // every dimension, in order: no permutation, one block
            self.data = try x.contiguousData()
            self.outer = 1
            self.inner = x.count
            self.reducesAll = true
            (partialKeptShape, partialSqueezedShape, partialDims) = ([], [], [])
            return
        }
        var dims = try Shape.wrap(requested ?? [], rank: rank)
        if dims.isEmpty { dims = Array(0..<rank) }
        dims.sort()
        if rank == 0 { dims = [] }
        var reduced = Shape.filled(false, count: rank)
        for d in dims { reduced[d] = true }
        var kept: [Int] = [], order: [Int] = [], inner = 1, outer = 1
        var keptShape = x.shape
        for d in 0..<rank {
            if reduced[d] {
                inner *= x.shape[d]
                keptShape[d] = 1
            } else {
                kept.append(x.shape[d])
                order.append(d)
                outer *= x.shape[d]
            }
        }
        order += dims
        let trailing = order == Array(0..<rank)
        self.data = trailing ? try x.contiguousData() : try x.permutedData(order)
        self.outer = outer
        self.inner = inner
        self.reducesAll = false
        self.partialKeptShape = keptShape
        self.partialSqueezedShape = kept
        self.partialDims = dims
    }

    func outputShape(keepDim: Bool) -> [Int] { keepDim ? keptShape : squeezedShape }

    /// Calls `body(o, block)` for each output element `o` with its block of inputs.
    @inline(__always)
    func forEachBlock<T>(_: T.Type, _ body: (Int, UnsafeBufferPointer<T>) -> Void) {
        let p = data.pointer(T.self)
        for o in 0..<outer { body(o, UnsafeBufferPointer(start: p + o * inner, count: inner)) }
    }
}

extension Tensor {
    /// A contiguous copy with dimensions reordered by `order` (not recorded).
    func permutedData(_ order: [Int]) throws(TensorError) -> Tensor {
        let view = Tensor(storage: storage, shape: order.map { shape[$0] }, strides: order.map { strides[$0] },
                          offset: offset, dtype: dtype, context: context)
        let out = try Tensor.uninitialized(view.shape, dtype, context)
        Kernels.copy(from: view, into: out)
        return out
    }
}

/// Reductions that produce one value per block.
enum ReduceOp {
    case sum, prod, max, min, all, any
}

extension Kernels {
    /// The dtype torch gives `sum` and `prod` of `dtype`: integers and bools sum to int64.
    static func accumulationType(_ dtype: DType) -> DType { dtype.isFloatingPoint ? dtype : .int64 }

    /// `x /= n` elementwise for a fresh floating tensor (mean's sum over its `n` elements),
    /// dividing as `binary(.div, x, n)` would.
    static func divideInPlace(_ x: Tensor, by n: Int) {
        switch x.dtype {
        case .float32:
            let p = x.pointer(Float.self), d = Float(Double(n))
            for i in 0..<x.count { p[i] = p[i] / d }
        case .float64:
            let p = x.pointer(Double.self), d = Double(n)
            for i in 0..<x.count { p[i] = p[i] / d }
        case .int64, .bool:
            preconditionFailure("mean is defined for floating dtypes only")
        }
    }

    /// `op` over `dims` (nil or empty: all), answering a tensor of the reduced shape. `name` is
    /// the op torch names in its errors (`amax` reduces with `max`).
    static func reduce(_ op: ReduceOp, _ x: Tensor, dims: [Int]?, keepDim: Bool, name: String? = nil) throws(TensorError) -> Tensor {
        if (op == .max || op == .min) && x.count == 0 {
            // no identity to start from: an empty reduction is an error, each given dim checked
            // (and named as given) before repeated dims are
            let name = name ?? (op == .max ? "max" : "min")
            guard let dims, !dims.isEmpty else {
                throw fail("\(name)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
            }
            for d in dims where x.rank > 0 {
                if x.shape[try Shape.wrap(d, rank: x.rank)] == 0 {
                    throw fail("\(name)(): Expected reduction dim \(d) to have non-zero size.")
                }
            }
        }
        if op == .sum && x.dtype.isFloatingPoint { return try floatingSum(x, dims: dims, keepDim: keepDim) }
        if op == .prod && x.dtype.isFloatingPoint { return try floatingProduct(x, dims: dims, keepDim: keepDim) }
        let layout = try ReductionLayout(x, dims: dims)
        let outType: DType
        switch op {
        case .sum, .prod: outType = accumulationType(x.dtype)
        case .max, .min: outType = x.dtype
        case .all, .any: outType = .bool
        }
        let out = try Tensor.uninitialized(layout.outputShape(keepDim: keepDim), outType, x.context)
        switch (op, x.dtype) {
        case (.all, _), (.any, _):
            let data = try layout.data.converted(to: .bool)
            let o = out.pointer(Bool.self), p = data.pointer(Bool.self)
            for i in 0..<layout.outer {
                let block = UnsafeBufferPointer(start: p + i * layout.inner, count: layout.inner)
                o[i] = op == .all ? !block.contains(false) : block.contains(true)
            }
        case (_, .float32): floatingReduce(op, layout, out, Float.self)
        case (_, .float64): floatingReduce(op, layout, out, Double.self)
        case (_, .int64), (_, .bool):
            // computed in int64, then converted (a bool max/min answers bool)
            let data = try layout.data.converted(to: .int64)
            let wide = outType == .int64 ? out : try Tensor.uninitialized(out.shape, .int64, x.context)
            let o = wide.pointer(Int64.self), p = data.pointer(Int64.self)
            for i in 0..<layout.outer {
                let block = UnsafeBufferPointer(start: p + i * layout.inner, count: layout.inner)
                switch op {
                case .sum: o[i] = block.reduce(0, &+)
                case .prod: o[i] = block.reduce(1, &*)
                case .max: o[i] = block.max()!
                default: o[i] = block.min()!
                }
            }
            if outType != .int64 { return try wide.converted(to: outType) }
        }
        return out
    }

    @inline(__always)
    private static func floatingReduce<T: FloatingElement>(_ op: ReduceOp, _ layout: ReductionLayout, _ out: Tensor, _: T.Type) {
        let o = out.pointer(T.self)
        layout.forEachBlock(T.self) { i, block in
            switch op {
            case .sum, .prod: preconditionFailure("floating sums and products follow torch's order (Kernels+Sum.swift, Kernels+Product.swift)")
            case .max:
                var m = block[0]
                for v in block where v > m || v.isNaN { m = v; if v.isNaN { break } }
                o[i] = m
            default:
                var m = block[0]
                for v in block where v < m || v.isNaN { m = v; if v.isNaN { break } }
                o[i] = m
            }
        }
    }

    /// `max`/`min` along one dimension: values and int64 indices (first occurrence on ties,
    /// NaN counts as the extreme, as torch's CPU kernels do).
    static func extremum(_ x: Tensor, dim: Int, keepDim: Bool, max: Bool, name: String? = nil) throws(TensorError) -> (Tensor, Tensor) {
        let layout = try ReductionLayout(x, dims: [dim])
        if layout.inner == 0 {
            throw fail("\(name ?? (max ? "max" : "min"))(): Expected reduction dim \(layout.dims[0]) to have non-zero size.")
        }
        let shape = layout.outputShape(keepDim: keepDim)
        let values = try Tensor.uninitialized(shape, x.dtype, x.context)
        let indices = try Tensor.uninitialized(shape, .int64, x.context)
        let ip = indices.pointer(Int64.self)
        switch x.dtype {
        case .float32: extremumLoop(layout, values.pointer(Float.self), ip, max)
        case .float64: extremumLoop(layout, values.pointer(Double.self), ip, max)
        case .int64: extremumLoop(layout, values.pointer(Int64.self), ip, max)
        case .bool: extremumLoop(layout, values.pointer(Bool.self), ip, max)
        }
        return (values, indices)
    }

    @inline(__always)
    private static func extremumLoop<T: Comparable>(_ layout: ReductionLayout, _ vp: UnsafeMutablePointer<T>,
                                                    _ ip: UnsafeMutablePointer<Int64>, _ max: Bool) {
        layout.forEachBlock(T.self) { o, block in
            var best = 0
            for k in 1..<block.count {
                let v = block[k], b = block[best]
                if b != b { break }  // NaN already chosen
                if v != v || (max ? v > b : v < b) { best = k }
            }
            vp[o] = block[best]
            ip[o] = Int64(best)
        }
    }

    @inline(__always)
    private static func extremumLoop(_ layout: ReductionLayout, _ vp: UnsafeMutablePointer<Bool>,
                                     _ ip: UnsafeMutablePointer<Int64>, _ max: Bool) {
        layout.forEachBlock(Bool.self) { o, block in
            let best = block.firstIndex(of: max) ?? 0
            vp[o] = block[best]
            ip[o] = Int64(best)
        }
    }

    /// `argmax`/`argmin` over one dimension, or over the flattened tensor when `dim` is nil.
    static func argExtremum(_ x: Tensor, dim: Int?, keepDim: Bool, max: Bool) throws(TensorError) -> Tensor {
        if let dim { return try extremum(x, dim: dim, keepDim: keepDim, max: max, name: max ? "argmax" : "argmin").1 }
        if x.count == 0 {
            throw fail("\(max ? "argmax" : "argmin")(): Expected reduction dim to be specified for input.numel() == 0.")
        }
        let flat = try x.contiguousData()
        let flatView = Tensor(storage: flat.storage, shape: [x.count], strides: [1], offset: flat.offset,
                              dtype: x.dtype, context: x.context)
        let index = try extremum(flatView, dim: 0, keepDim: false, max: max).1
        if keepDim {
            return Tensor(storage: index.storage, shape: [Int](repeating: 1, count: x.rank),
                          strides: [Int](repeating: 1, count: x.rank), offset: 0, dtype: .int64, context: x.context)
        }
        return index
    }


    /// The vector p-norm over `dims` (nil: all): `(sum |x|^p)^(1/p)`, with torch's special
    /// cases p = 0 (count of non-zeros), 1, 2 and ±infinity.
    static func norm(_ x: Tensor, p: Double, dims: [Int]?, keepDim: Bool) throws(TensorError) -> Tensor {
        let layout = try ReductionLayout(x, dims: dims)
        if p.isInfinite && layout.inner == 0 {
            let name = p > 0 ? "inf" : "-inf"
            if let dims, let empty = dims.first(where: { d in x.rank > 0 && x.shape[(try? Shape.wrap(d, rank: x.rank)) ?? 0] == 0 }) {
                // torch's message, the dim as given, its missing space included
                throw fail("linalg.vector_norm cannot compute the \(name) norm on the dimension \(empty)because this dimension is empty and the operation does not have an identity")
            }
            throw fail("linalg.vector_norm cannot compute the \(name) norm on an empty tensor because the operation does not have an identity")
        }
        let out = try Tensor.uninitialized(layout.outputShape(keepDim: keepDim), x.dtype, x.context)
        // accumulated in the tensor's dtype, as torch's norm kernels do (float32 squares of
        // 1e30 overflow to an infinite norm there too)
        func run<T: FloatingElement>(_: T.Type) {
            let o = out.pointer(T.self)
            layout.forEachBlock(T.self) { i, block in
                if block.count == 1 {
                    // torch reduces over size-1 dims as `abs` (`ne(0)` for p = 0), nothing squared
                    o[i] = p == 0 ? (block[0] != 0 ? 1 : 0) : Swift.abs(block[0])
                    return
                }
                var r: T = 0
                switch p {
                case 2: for v in block { r += v * v }; r = r.squareRoot()
                case 1: for v in block { r += Swift.abs(v) }
                case 0: for v in block where v != 0 { r += 1 }
                case .infinity: r = block.reduce(0) { T.propagatingMax($0, Swift.abs($1)) }
                case -.infinity: r = block.reduce(T.infinity) { T.propagatingMin($0, Swift.abs($1)) }
                default:
                    let q = T(p)
                    for v in block { r += T.pow(Swift.abs(v), q) }
                    r = T.pow(r, 1 / q)
                }
                o[i] = r
            }
        }
        if x.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// `log(sum(exp(x)))` over `dims`, shifted by the maximum so it cannot overflow.
    static func logsumexp(_ x: Tensor, dims: [Int]?, keepDim: Bool) throws(TensorError) -> Tensor {
        let layout = try ReductionLayout(x, dims: dims)
        let out = try Tensor.uninitialized(layout.outputShape(keepDim: keepDim), x.dtype, x.context)
        func run<T: FloatingElement>(_: T.Type) {
            let o = out.pointer(T.self)
            layout.forEachBlock(T.self) { i, block in
                let m = block.reduce(-Double.infinity) { Swift.max($0, Double($1)) }
                if m.isInfinite || m.isNaN {
                    let s = block.reduce(0.0) { $0 + Double.exp(Double($1)) }
                    o[i] = T(m.isNaN ? m : Double.log(s))
                    return
                }
                var s = 0.0
                for v in block { s += Double.exp(Double(v) - m) }
                o[i] = T(m + Double.log(s))
            }
        }
        if x.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// `softmax` or `log_softmax` along `dim`.
    static func softmax(_ x: Tensor, dim: Int, log: Bool) throws(TensorError) -> Tensor {
        let layout = try ReductionLayout(x, dims: [dim])
        let d = layout.dims.first ?? 0
        let rows = try Tensor.uninitialized([layout.outer, layout.inner], x.dtype, x.context)
        func run<T: FloatingElement>(_: T.Type) {
            let o = rows.pointer(T.self)
            layout.forEachBlock(T.self) { i, block in
                let row = o + i * layout.inner
                let m = block.reduce(-Double.infinity) { Swift.max($0, Double($1)) }
                var s = 0.0
                for v in block { s += Double.exp(Double(v) - m) }
                if log {
                    // torch's order, (x - max) - log(sum): x - (max + log(sum)) would lose the
                    // log of the sum next to a huge max
                    let logSum = Double.log(s)
                    for k in 0..<block.count { row[k] = T((Double(block[k]) - m) - logSum) }
                } else {
                    for k in 0..<block.count { row[k] = T(Double.exp(Double(block[k]) - m) / s) }
                }
            }
        }
        if x.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        // Rows hold the input with `dim` moved last: move it back.
        if x.rank <= 1 || d == x.rank - 1 {
            return Tensor(storage: rows.storage, shape: x.shape, strides: Shape.contiguousStrides(x.shape),
                          offset: 0, dtype: x.dtype, context: x.context)
        }
        var permutedShape = x.shape
        permutedShape.remove(at: d)
        permutedShape.append(x.shape[d])
        var order = Array(0..<x.rank - 1)
        order.insert(x.rank - 1, at: d)
        let permuted = Tensor(storage: rows.storage, shape: permutedShape,
                              strides: Shape.contiguousStrides(permutedShape), offset: 0, dtype: x.dtype, context: x.context)
        return try permuted.permutedData(order)
    }
}

extension Kernels {
    /// Applies `body` to each line of `x` along `dim` (in double precision), answering a
    /// tensor of `x`'s shape and dtype.
    static func alongDim(_ x: Tensor, dim d: Int,
                         _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) throws(TensorError) -> Tensor {
        let layout = try ReductionLayout(x.converted(to: .float64), dims: [d])
        let lines = try Tensor.uninitialized([layout.outer, layout.inner], .float64, x.context)
        let o = lines.pointer(Double.self)
        layout.forEachBlock(Double.self) { i, block in
            body(block, UnsafeMutableBufferPointer(start: o + i * layout.inner, count: layout.inner))
        }
        return try lines.unpermuted(like: x, dim: x.rank == 0 ? 0 : d).converted(to: x.dtype)
    }
}

extension Tensor {
    /// A `[outer, inner]` result laid out with `dim` last, put back in `like`'s dimension order.
    func unpermuted(like x: Tensor, dim d: Int) throws(TensorError) -> Tensor {
        var permutedShape = x.shape
        if x.rank > 0 {
            permutedShape.remove(at: d)
            permutedShape.append(x.shape[d])
        }
        let permuted = Tensor(storage: storage, shape: permutedShape, strides: Shape.contiguousStrides(permutedShape),
                              offset: 0, dtype: dtype, context: context)
        if x.rank <= 1 || d == x.rank - 1 { return permuted }
        var order = Array(0..<x.rank - 1)
        order.insert(x.rank - 1, at: d)
        return try permuted.permutedData(order)
    }
}
