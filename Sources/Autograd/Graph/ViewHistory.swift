// In-place writes through views, as torch records them.
//
// A view shares its base's storage, so writing into it changes the base. Torch records that
// write on the base: the base's history becomes a `CopySlices` node, which runs the in-place op's
// own backward on the slice of the gradient the view covers and passes the rest through. A view
// whose base was written since its history was recorded (through it, through another view, or
// directly) gets a new history on next access: `AsStridedBackward0` over the base's current one.

private let asStridedRule = Derivatives.named("as_strided")
private let copySlicesRule = Derivatives.named("copy_slices")

/// Where a view sits in its base's storage: an `as_strided` view (a regenerated view history,
/// or the slice `CopySlices` takes), whose gradient `scatter` moves into the base's geometry
/// with torch's `as_strided_backward`, step for step, so that create_graph records torch's
/// nodes (SqueezeBackward1, SumBackward1, CopySlices, AsStridedBackward0).
final class ViewPlacement {
    let viewShape: [Int], viewStrides: [Int], viewOffset: Int
    let baseShape: [Int], baseStrides: [Int], baseOffset: Int

    init(view: Tensor, base: Tensor) {
        (viewShape, viewStrides, viewOffset) = (view.shape, view.strides, view.offset)
        (baseShape, baseStrides, baseOffset) = (base.shape, base.strides, base.offset)
    }

    /// A gradient shaped like the view, placed into zeros with the base's geometry, as torch's
    /// `as_strided_backward` places it: size-1 dimensions squeezed away and broadcast ones
    /// summed, the rest copied into an `as_strided` window of new zeroed storage (version 1), and
    /// that storage viewed with the base's geometry.
    func scatter(_ grad: Tensor) throws(TensorError) -> Tensor {
        var grad = grad
        var outSizes: [Int] = [], outStrides: [Int] = []
        for d in stride(from: viewShape.count - 1, through: 0, by: -1) {
            if viewShape[d] == 0 { return try zerosLikeBase(grad) }
            if viewShape[d] == 1 {
                grad = try grad.squeeze(dims: [d])
            } else if viewStrides[d] == 0 {
                grad = try grad.sum(dims: [d])
            } else {
                outSizes.insert(viewShape[d], at: 0)
                outStrides.insert(viewStrides[d], at: 0)
            }
        }
        var inSizes: [Int] = [], inStrides: [Int] = []
        for d in stride(from: baseShape.count - 1, through: 0, by: -1) where baseShape[d] != 1 {
            if baseShape[d] == 0 { return try zerosLikeBase(grad) }
            inSizes.insert(baseShape[d], at: 0)
            inStrides.insert(baseStrides[d], at: 0)
        }
        let shared = min(baseOffset, viewOffset)
        let inOffset = baseOffset - shared, outOffset = viewOffset - shared
        let size = max(Self.minimumStorage(inSizes, inStrides, inOffset), Self.minimumStorage(outSizes, outStrides, outOffset))
        // torch scatters with index_add_ when the view, squeezed and summed, still overlaps
        // itself, and divides by each position's count when the base does: neither happens here
        // (the engine's views overlap only along broadcast dimensions, and a base is a root tensor)
        let storage = try Tensor.zeros([size], dtype: grad.dtype, context: grad.context)
        try storage.asStrided(outSizes, outStrides, offset: outOffset).copy_(grad)
        return try storage.asStrided(baseShape, baseStrides, offset: inOffset)
    }

    /// torch's answer for a geometry with a size-0 dimension: zeros of the base's sizes (whose
    /// `zero_` counts: version 1).
    private func zerosLikeBase(_ grad: Tensor) throws(TensorError) -> Tensor {
        let zeros = try Tensor.zeros(baseShape, dtype: grad.dtype, context: grad.context)
        zeros.bumpVersion()
        return zeros
    }

    /// torch's `_min_storage_size`: the elements a geometry reaches from the storage's start.
    private static func minimumStorage(_ sizes: [Int], _ strides: [Int], _ offset: Int) -> Int {
        zip(sizes, strides).reduce(offset + 1) { $0 + ($1.0 - 1) * $1.1 }
    }
}

extension Tensor {
    /// `as_strided` over this tensor's storage: a view recorded as AsStridedBackward0 (whose
    /// rule is `ViewPlacement.scatter`) when this tensor requires grad.
    func asStrided(_ shape: [Int], _ strides: [Int], offset: Int) throws(TensorError) -> Tensor {
        let out = view(shape: shape, strides: strides, offset: offset)
        if let node = try asStridedRule.record(self, output: out) {
            node.attributes.payload = ViewPlacement(view: out, base: self)
        }
        return out
    }
}

/// What a `CopySlices` node runs: the in-place op's node and where the view sits in the base.
final class CopySlices {
    let op: Node
    /// The base's sizes and strides, and the view's, with its offset from the base's.
    let baseShape: [Int], baseStrides: [Int]
    let viewShape: [Int], viewStrides: [Int], viewOffset: Int

    init(op: Node, view: Tensor, base: Tensor) {
        self.op = op
        (baseShape, baseStrides) = (base.shape, base.strides)
        (viewShape, viewStrides, viewOffset) = (view.shape, view.strides, view.offset - base.offset)
    }

    /// torch's `CopySlices::apply`, step for step (so that create_graph records torch's nodes:
    /// CopyBackwards, AsStridedBackward0, CloneBackward0, CopySlices): the gradient copied into
    /// a tensor laid out as the base, the op's rule run on a clone of the view's slice of it,
    /// the rule's gradient for its input copied back into the slice; the op's gradients for its
    /// other inputs as they come.
    func backward(_ node: Node, _ grad: Tensor) throws -> [Tensor?] {
        try node.checkNotReleased()
        let result = try Tensor.uninitialized(baseShape, grad.dtype, grad.context, strides: baseStrides, rowMajor: false)
        try result.copy_(grad)
        let slice = try result.asStrided(viewShape, viewStrides, offset: result.offset + viewOffset)
        let input = try slice.clone(contiguous: true)
        var results: [Tensor?]
        if let formulas = op.derivative.formulas {
            results = try formulas.indices.map { i throws -> Tensor? in
                i == 0 || node.needsGradient(i) ? try formulas[i](op, input) : nil
            }
        } else if let formula = op.derivative.joint {
            results = try formula(op, [input])
        } else {
            preconditionFailure("an in-place op is never AccumulateGrad")
        }
        if let own = results[0] { try slice.copy_(own) } else { try slice.zero_() }
        results[0] = result
        return results
    }
}

extension Tensor {
    /// After an in-place op recorded as `op` wrote through this view: the base's history becomes
    /// CopySlices over its previous history and the op's other inputs. The view's own history is
    /// regenerated on next access, its version having moved.
    func rebaseHistoryThroughView(_ op: Node, base: Tensor) throws(TensorError) {
        let edges = SmallArray<Edge?>([try base.gradientEdge] + Array(op.edges.dropFirst()))
        let node = Node(copySlicesRule, edges: edges, outputs: [TensorMeta(shape: base.shape, dtype: base.dtype)],
                        sequenceNumber: context.takeSequenceNumber())
        node.attributes.payload = CopySlices(op: op, view: self, base: base)
        node.height = Swift.max(node.height, op.height + 1)   // the payload holds the op's node
        base.becomeOutput(0, of: node)
        context.noteLateHistory(base)
    }

    /// torch's regenerated view history: `AsStridedBackward0` over the base's current history
    /// (with no next function when the base needs no gradient, as torch's: the view keeps
    /// requiring grad).
    func regeneratedViewHistory(base: Tensor) -> Node? {
        // the base is never a view: its edge cannot throw
        let edge = (try? base.gradientEdge) ?? nil
        let node = Node(asStridedRule, edges: [edge], outputs: [TensorMeta(shape: shape, dtype: dtype)],
                        sequenceNumber: context.takeSequenceNumber())
        node.attributes.payload = ViewPlacement(view: self, base: base)
        return node
    }

    /// Calls `body` with the storage offset of every element, row-major.
    func forEachElementOffset(_ body: (Int) -> Void) {
        guard count > 0 else { return }
        var index = [Int](repeating: 0, count: rank)
        var position = offset
        for _ in 0..<count {
            body(position)
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                position += strides[d]
                if index[d] < shape[d] { break }
                position -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// True when two elements share a memory location (a stride-0 dimension of size > 1, as in
    /// an expanded tensor): torch refuses to write into such a tensor in place.
    var hasInternalOverlap: Bool {
        count > 1 && zip(shape, strides).contains { size, stride in size > 1 && stride == 0 }
    }

    /// torch's `is_non_overlapping_and_dense`: the elements fill a block of memory without gaps
    /// or repeats in some order of the dimensions (a transpose of a contiguous tensor does).
    var isNonOverlappingAndDense: Bool {
        if isContiguous { return true }
        var required = 1
        for d in (0..<rank).filter({ shape[$0] >= 2 }).sorted(by: { strides[$0] < strides[$1] }) {
            guard strides[d] == required else { return false }
            required *= shape[d]
        }
        return true
    }
}
