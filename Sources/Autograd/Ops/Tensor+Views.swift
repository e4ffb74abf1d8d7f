// Views: ops whose result shares the input's storage (view, reshape when possible, expand,
// permute, t, transpose, squeeze, unsqueeze, select, slice), and the shape inference they share.

private let viewRule = Derivatives.named("view")
private let unsafeViewRule = Derivatives.named("_unsafe_view")
private let reshapeAliasRule = Derivatives.named("_reshape_alias")
private let expandRule = Derivatives.named("expand")
private let permuteRule = Derivatives.named("permute")
private let tRule = Derivatives.named("t")
private let transposeRule = Derivatives.named("transpose.int")
private let squeezeRule = Derivatives.named("squeeze")
private let squeezeDimRule = Derivatives.named("squeeze.dim")
private let squeezeDimsRule = Derivatives.named("squeeze.dims")
private let unsqueezeRule = Derivatives.named("unsqueeze")
private let selectRule = Derivatives.named("select.int")
private let sliceRule = Derivatives.named("slice.Tensor")
private let cloneRule = Derivatives.named("clone")

extension Tensor {
    /// `x.view(*shape)`: the same elements under another shape, sharing storage; one size may
    /// be -1. Fails as torch does when the strides do not allow it. Backward: ViewBackward0.
    public func view(_ requested: [Int]) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let shape = try inferShape(requested)
        guard let strides = Self.viewStrides(self.shape, self.strides, shape) else {
            throw .evaluation("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        }
        let out = view(shape: shape, strides: strides, offset: offset)
        try viewRule.record(self, output: out)
        return out
    }

    /// `x.reshape(*shape)`, recorded as torch records it: a view of a contiguous tensor
    /// (ViewBackward0), an alias of a strided one whose strides allow it (ReshapeAliasBackward0),
    /// else a copy (CloneBackward0 under UnsafeViewBackward0).
    public func reshape(_ requested: [Int]) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let shape = try inferShape(requested)
        guard let strides = Self.viewStrides(self.shape, self.strides, shape) else { return try clone(contiguous: true).unsafeView(shape) }
        if isContiguous { return try view(shape) }
        let out = view(shape: shape, strides: strides, offset: offset)
        try reshapeAliasRule.record(self, output: out)
        return out
    }

    /// torch's `_unsafe_view`: a contiguous tensor under another shape, not tracked as a view.
    /// Backward: UnsafeViewBackward0.
    func unsafeView(_ shape: [Int]) throws(TensorError) -> Tensor {
        let source = try contiguousData()
        let out = Tensor(storage: source.storage, shape: shape, strides: Shape.contiguousStrides(shape),
                         offset: source.offset, dtype: dtype, context: context)
        try unsafeViewRule.record(self, output: out)
        return out
    }

    /// `torch.flatten(x, start_dim, end_dim)`; answers `self` when there is nothing to merge.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws(TensorError) -> Tensor {
        let start = try Shape.wrap(startDim, rank: rank), end = try Shape.wrap(endDim, rank: rank)
        if rank == 0 { return try reshape([1]) }
        guard start <= end else { throw .evaluation("flatten() has invalid args: start_dim cannot come after end_dim") }
        if start == end { return self }
        let merged = Shape.product(shape[start...end])
        return try reshape(Array(shape[..<start]) + [merged] + Array(shape[(end + 1)...]))
    }

    /// `x.expand(*sizes)`: broadcast to a larger shape without copying (-1 keeps a size).
    /// Backward: ExpandBackward0.
    public func expand(_ sizes: [Int]) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let (shape, strides) = try expandedGeometry(sizes)
        try context.checkElements(try Shape.count(shape))
        let out = view(shape: shape, strides: strides, offset: offset)
        try expandRule.record(self, output: out)
        return out
    }

    /// torch's `inferExpandGeometry`: the sizes and strides of this tensor expanded to `sizes`
    /// (-1 keeps a size), its dimensions checked from the last, as torch checks them.
    func expandedGeometry(_ sizes: [Int]) throws(TensorError) -> (shape: [Int], strides: [Int]) {
        guard sizes.count >= rank else {
            throw .evaluation("expand(\(dtype.legacyTypeName){\(Shape.format(shape))}, size=\(Shape.format(sizes))): the number of sizes provided (\(sizes.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        }
        // torch 2.15 expands a 0-d tensor by the product of the sizes, -1 included
        if rank == 0 && sizes.contains(where: { $0 < 0 }) { throw .evaluation("numel: integer multiplication overflow") }
        var shape = sizes
        var strides = Shape.filled(0, count: sizes.count)
        let lead = sizes.count - rank
        for i in stride(from: sizes.count - 1, through: 0, by: -1) {
            let d = i - lead
            if d < 0 {
                guard sizes[i] >= 0 else {
                    throw .evaluation("The expanded size of the tensor (\(sizes[i])) isn't allowed in a leading, non-existing dimension \(i)")
                }
                continue
            }
            if sizes[i] == -1 { shape[i] = self.shape[d] }
            if self.shape[d] == shape[i] {
                strides[i] = self.strides[d]
            } else if self.shape[d] != 1 {
                throw .evaluation("The expanded size of the tensor (\(shape[i])) must match the existing size (\(self.shape[d])) at non-singleton dimension \(i).  Target sizes: \(Shape.format(sizes)).  Tensor sizes: \(Shape.format(self.shape))")
            }
        }
        if let negative = shape.first(where: { $0 < 0 }) {
            throw .evaluation("Trying to create tensor with negative dimension \(negative): \(Shape.format(sizes))")
        }
        return (shape, strides)
    }

    /// `x.permute(*dims)`. Backward: PermuteBackward0.
    public func permute(_ dims: [Int]) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        guard dims.count == rank else {
            throw .evaluation("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
        }
        var order: [Int] = []
        for dim in dims {   // torch checks each dim's range, then whether it repeats, in turn
            let d = try Shape.wrap(dim, rank: rank)
            if order.contains(d) { throw .evaluation("permute(): duplicate dims are not allowed.") }
            order.append(d)
        }
        let out = view(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
        try permuteRule.record(self, output: out)?.attributes.dims = order
        return out
    }

    /// `x.t()`: transposes a 2-d tensor; 0-d and 1-d tensors come back as they are.
    /// Backward: TBackward0.
    public func t() throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        guard rank <= 2 else {
            throw .evaluation("t() expects a tensor with <= 2 dimensions, but self is \(rank)D")
        }
        let out = rank < 2 ? view(shape: shape, strides: strides, offset: offset)
                           : view(shape: shape.reversed(), strides: strides.reversed(), offset: offset)
        try tRule.record(self, output: out)
        return out
    }

    /// `x.transpose(dim0, dim1)`. Backward: TransposeBackward0.
    public func transpose(_ dim0: Int, _ dim1: Int) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let a = try Shape.wrap(dim0, rank: rank), b = try Shape.wrap(dim1, rank: rank)
        var shape = self.shape, strides = self.strides
        if rank > 0 {
            shape.swapAt(a, b)
            strides.swapAt(a, b)
        }
        let out = view(shape: shape, strides: strides, offset: offset)
        try transposeRule.record(self, output: out)?.attributes.dims = [a, b]
        return out
    }

    /// `x.squeeze()`: drops every size-1 dimension. Backward: SqueezeBackward0.
    public func squeeze() throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let keep = shape.indices.filter { shape[$0] != 1 }
        let out = view(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
        try squeezeRule.record(self, output: out)
        return out
    }

    /// `x.squeeze(dim)` or `x.squeeze(dims)`: drops the listed dimensions of size 1.
    /// Backward: SqueezeBackward1 (one dim) or SqueezeBackward2 (a list).
    public func squeeze(dims: [Int], asList: Bool = false) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let wrapped = try Shape.wrap(dims, rank: rank)
        let keep = shape.indices.filter { !(wrapped.contains($0) && shape[$0] == 1) }
        let out = view(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
        try (asList || dims.count != 1 ? squeezeDimsRule : squeezeDimRule).record(self, output: out)?.attributes.dims = wrapped.sorted()
        return out
    }

    /// `x.unsqueeze(dim)`: inserts a size-1 dimension. Backward: UnsqueezeBackward0.
    public func unsqueeze(_ dim: Int) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let d = try Shape.wrap(dim, rank: rank + 1)
        var shape = self.shape, strides = self.strides
        let stride = d < rank ? shape[d] * strides[d] : 1
        shape.insert(1, at: d)
        strides.insert(stride, at: d)
        let out = view(shape: shape, strides: strides, offset: offset)
        try unsqueezeRule.record(self, output: out)?.attributes.dims = [d]
        return out
    }

    /// `x.select(dim, index)`: the slice at `index` along `dim`, which disappears.
    /// Backward: SelectBackward0.
    public func select(dim: Int, index: Int) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        guard rank > 0 else { throw .evaluation("select() cannot be applied to a 0-dim tensor.") }
        let d = try Shape.wrap(dim, rank: rank)
        let size = shape[d]
        guard index >= -size && index < size else {
            throw .evaluation("select(): index \(index) out of range for tensor of size \(Shape.format(shape)) at dimension \(d)")
        }
        let i = index < 0 ? index + size : index
        var shape = self.shape, strides = self.strides
        let offset = self.offset + i * strides[d]
        shape.remove(at: d)
        strides.remove(at: d)
        let out = view(shape: shape, strides: strides, offset: offset)
        if let node = try selectRule.record(self, output: out) {
            node.attributes.dims = [d]
            node.attributes.integers = [i]
        }
        return out
    }

    /// `x[start:end:step]` along `dim` (Python slice semantics: bounds clamp, negatives count
    /// from the end, `step` > 0). Backward: SliceBackward0.
    public func slice(dim: Int, start: Int?, end: Int?, step: Int = 1) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        guard rank > 0 else { throw .evaluation("slice() cannot be applied to a 0-dim tensor.") }
        guard step > 0 else { throw .evaluation("slice step must be positive") }
        let d = try Shape.wrap(dim, rank: rank)
        let size = shape[d]
        func clampIndex(_ v: Int?, _ fallback: Int) -> Int {
            guard var v else { return fallback }
            if v < 0 { v += size }
            return Swift.min(Swift.max(v, 0), size)
        }
        let lo = clampIndex(start, 0)
        let hi = Swift.max(clampIndex(end, size), lo)
        var shape = self.shape, strides = self.strides
        shape[d] = (hi - lo + step - 1) / step
        strides[d] *= step
        let out = view(shape: shape, strides: strides, offset: offset + lo * self.strides[d])
        if let node = try sliceRule.record(self, output: out) {
            node.attributes.dims = [d]
            node.attributes.integers = [lo, hi, step]
        }
        return out
    }

    /// `x.clone()`: a contiguous copy. Backward: CloneBackward0.
    public func clone() throws(TensorError) -> Tensor { try clone(contiguous: false) }

    /// `x.contiguous()`: `self` when already contiguous, else a row-major `clone()`.
    public func contiguous() throws(TensorError) -> Tensor {
        isContiguous ? self : try clone(contiguous: true)
    }

    /// torch's `clone(memory_format=)`: row-major, or (`torch.preserve_format`, the default) laid
    /// out as this tensor is. Backward: CloneBackward0.
    func clone(contiguous: Bool) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = contiguous ? try Tensor.uninitialized(shape, dtype, context) : try Tensor.pointwiseOutput(shape, dtype, context, self)
        Kernels.copy(from: self, into: out)
        try cloneRule.record(self, output: out)
        return out
    }

    /// Resolves a requested shape with at most one -1 against this tensor's element count.
    func inferShape(_ requested: [Int]) throws(TensorError) -> [Int] {
        var inferred: Int?
        var product = 1
        for (i, size) in requested.enumerated() {
            if size == -1 {
                if inferred != nil { throw .evaluation("only one dimension can be inferred") }
                inferred = i
            } else if size < 0 {
                throw .evaluation("invalid shape dimension \(size)")
            } else {
                product = product.multipliedReportingOverflow(by: size).overflow ? .max : product * size
            }
        }
        var shape = requested
        if let inferred {
            guard product != 0, count % product == 0 else {
                throw .evaluation("shape '\(Shape.format(requested))' is invalid for input of size \(count)")
            }
            shape[inferred] = count / product
        } else if product != count {
            throw .evaluation("shape '\(Shape.format(requested))' is invalid for input of size \(count)")
        }
        return shape
    }

    /// torch's `computeStride`: strides that view `oldShape`/`oldStrides` as `newShape`, or nil
    /// when some new dimension would span two non-contiguous chunks.
    static func viewStrides(_ oldShape: [Int], _ oldStrides: [Int], _ newShape: [Int]) -> [Int]? {
        if oldShape.isEmpty { return Shape.filled(1, count: newShape.count) }
        let numel = Shape.product(oldShape)
        if numel == 0 && oldShape == newShape { return oldStrides }
        var newStrides = Shape.filled(0, count: newShape.count)
        if numel == 0 {
            for d in stride(from: newShape.count - 1, through: 0, by: -1) {
                newStrides[d] = d == newShape.count - 1 ? 1 : Swift.max(newShape[d + 1], 1) * newStrides[d + 1]
            }
            return newStrides
        }
        var viewD = newShape.count - 1
        var chunkBaseStride = oldStrides.last!
        var tensorNumel = 1, viewNumel = 1
        for tensorD in stride(from: oldShape.count - 1, through: 0, by: -1) {
            tensorNumel *= oldShape[tensorD]
            if tensorD == 0 || (oldShape[tensorD - 1] != 1 && oldStrides[tensorD - 1] != tensorNumel * chunkBaseStride) {
                while viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
                    newStrides[viewD] = viewNumel * chunkBaseStride
                    viewNumel *= newShape[viewD]
                    viewD -= 1
                }
                if viewNumel != tensorNumel { return nil }
                if tensorD > 0 {
                    chunkBaseStride = oldStrides[tensorD - 1]
                    tensorNumel = 1
                    viewNumel = 1
                }
            }
        }
        return viewD == -1 ? newStrides : nil
    }
}
