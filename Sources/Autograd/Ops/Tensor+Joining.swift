// Joining and splitting: cat, stack, split, chunk.

private let catRule = Derivatives.named("cat")
private let stackRule = Derivatives.named("stack")
private let splitRule = Derivatives.named("split.Tensor")
private let splitWithSizesRule = Derivatives.named("split_with_sizes")

extension Tensor {
    /// `torch.cat(tensors, dim)`: inputs are promoted to a common dtype; 1-d empty tensors are
    /// skipped, as torch's legacy rule allows. Backward: CatBackward0.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws(TensorError) -> Tensor {
        guard let first = tensors.first else {
            throw .evaluation("torch.cat(): expected a non-empty list of Tensors")
        }
        try Derivative.checkInputs(tensors)
        if let i = tensors.firstIndex(where: { $0.rank == 0 }) {
            throw .evaluation("zero-dimensional tensor (at position \(i)) cannot be concatenated")
        }
        let joined = tensors.filter { !($0.rank == 1 && $0.count == 0) }
        // every input a legacy empty 1-d tensor: so is the result, whatever `dim`
        let reference = joined.first ?? first
        let d = joined.isEmpty ? 0 : try Shape.wrap(dim, rank: reference.rank)
        var types = ResultType()
        for t in tensors { types.add(t.dtype, .dimensioned) }
        var shape = reference.shape
        shape[d] = 0
        for (i, t) in tensors.enumerated() where !(t.rank == 1 && t.count == 0) {
            guard t.rank == reference.rank else {
                throw .evaluation("Tensors must have same number of dimensions: got \(reference.rank) and \(t.rank)")
            }
            for k in 0..<t.rank where k != d && t.shape[k] != reference.shape[k] {
                throw .evaluation("Sizes of tensors must match except in dimension \(d). Expected size \(reference.shape[k]) but got size \(t.shape[k]) for tensor number \(i) in the list.")
            }
            shape[d] += t.shape[d]
        }
        let out = try Tensor.uninitialized(shape, types.result, first.context)
        var offset = 0
        for t in joined {
            let size = t.shape[d]
            Kernels.copy(from: t, into: out.rawSlice(dim: d, start: offset, count: size))
            offset += size
        }
        if let node = try catRule.record(inputs: tensors, outputs: [out]) {
            node.attributes.dims = [d]
            node.attributes.integers = tensors.map { $0.rank == 1 && $0.count == 0 ? -1 : $0.shape[d] }
        }
        return out
    }

    /// `torch.stack(tensors, dim)`: joins equal-shaped tensors along a new dimension.
    /// Backward: StackBackward0.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws(TensorError) -> Tensor {
        guard let first = tensors.first else {
            throw .evaluation("stack expects a non-empty TensorList")
        }
        try Derivative.checkInputs(tensors)
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            throw .evaluation("stack expects each tensor to be equal size, but got \(Shape.format(first.shape)) at entry 0 and \(Shape.format(t.shape)) at entry \(i)")
        }
        let d = try Shape.wrap(dim, rank: first.rank + 1)
        let parts = tensors.map { $0.rawUnsqueeze(d) }
        let out = try first.context.withGradMode(false) { () throws(TensorError) in try cat(parts, dim: d) }
        if let node = try stackRule.record(inputs: tensors, outputs: [out]) { node.attributes.dims = [d] }
        return out
    }

    /// `torch.split(x, split_size, dim)`: views of `splitSize` along `dim` (the last may be
    /// shorter). Backward: SplitBackward0.
    public func split(size splitSize: Int, dim: Int = 0) throws(TensorError) -> [Tensor] {
        try Derivative.checkInputs(self)
        guard rank > 0 else { throw .evaluation("split expects at least a 1-dimensional tensor") }
        let d = try Shape.wrap(dim, rank: rank)
        let size = shape[d]
        guard splitSize >= 0 else { throw .evaluation("split expects split_size be non-negative, but got split_size=\(splitSize)") }
        guard splitSize > 0 || size == 0 else {
            throw .evaluation("split_size can only be 0 if dimension size is 0, but got dimension size of \(size)")
        }
        let parts = splitSize == 0 ? 1 : Swift.max((size + splitSize - 1) / splitSize, 1)
        let sizes = (0..<parts).map { Swift.min(splitSize, size - $0 * splitSize) }
        return try splitParts(sizes, dim: d, rule: splitRule)
    }

    /// `torch.split(x, [sizes], dim)`. Backward: SplitWithSizesBackward0.
    public func split(sizes: [Int], dim: Int = 0) throws(TensorError) -> [Tensor] {
        try Derivative.checkInputs(self)
        guard rank > 0 else { throw .evaluation("split expects at least a 1-dimensional tensor") }
        let d = try Shape.wrap(dim, rank: rank)
        guard sizes.allSatisfy({ $0 >= 0 }) else {
            throw .evaluation("split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=\(Shape.format(sizes))")
        }
        guard sizes.reduce(0, +) == shape[d] else {   // torch names the dim as it was given
            throw .evaluation("split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(dim)), but got split_sizes=\(Shape.format(sizes))")
        }
        return try splitParts(sizes, dim: d, rule: splitWithSizesRule)
    }

    /// `torch.chunk(x, chunks, dim)`: `split` with `ceil(size / chunks)`. Backward: SplitBackward0.
    public func chunk(_ chunks: Int, dim: Int = 0) throws(TensorError) -> [Tensor] {
        guard chunks > 0 else { throw .evaluation("chunk expects `chunks` to be greater than 0, got: \(chunks)") }
        guard rank > 0 else { throw .evaluation("chunk expects at least a 1-dimensional tensor") }
        let d = try Shape.wrap(dim, rank: rank)
        let size = (shape[d] + chunks - 1) / chunks
        if size == 0 && shape[d] == 0 {
            return try splitParts([Int](repeating: 0, count: chunks), dim: d, rule: splitWithSizesRule)
        }
        return try split(size: size, dim: d)
    }

    private func splitParts(_ sizes: [Int], dim d: Int, rule: Derivative) throws(TensorError) -> [Tensor] {
        try Derivative.checkInputs(self)   // for chunk, whose own checks come first (split's came before)
        var start = 0
        var parts: [Tensor] = []
        for size in sizes {
            parts.append(rawSlice(dim: d, start: start, count: size))
            start += size
        }
        // torch's creation meta for the outputs of an op with several views, recorded or not
        if context.isGradEnabled { for part in parts { part.viewCreation = .multiOutput } }
        if let node = try rule.record(inputs: [self], outputs: parts) {
            node.attributes.dims = [d]
            node.attributes.integers = sizes
        }
        return parts
    }

    /// A view of `count` entries from `start` along `dim`, not recorded.
    func rawSlice(dim d: Int, start: Int, count: Int) -> Tensor {
        var shape = self.shape
        shape[d] = count
        return view(shape: shape, strides: strides, offset: offset + start * strides[d])
    }

    /// A view with a size-1 dimension inserted at `d`, not recorded.
    func rawUnsqueeze(_ d: Int) -> Tensor {
        var shape = self.shape, strides = self.strides
        strides.insert(d < rank ? shape[d] * strides[d] : 1, at: d)
        shape.insert(1, at: d)
        return view(shape: shape, strides: strides, offset: offset)
    }
}
