// In-place writes through views, as torch records them.
//
// A view shares its base's storage, so writing into it changes the base. Torch records that
// write on the base: the base's history becomes a `CopySlices` node, which runs the in-place op's
// own backward on the slice of the gradient the view covers and passes the rest through. A view
// whose base was written since its history was recorded (through it, through another view, or
// directly) gets a new history on next access: `AsStridedBackward0` over the base's current one.

private let asStridedRule = Derivatives.named("as_strided")
private let copySlicesRule = Derivatives.named("copy_slices")

/// Where a view's elements sit in its base: for each view element (row-major), the row-major
/// index of the base element it aliases. Moves a regenerated view's gradient (AsStridedBackward0)
/// into the base's shape with a differentiable op (an accumulating index_put), so create_graph
/// works through it.
final class ViewPlacement {
    let viewShape: [Int]
    let baseShape: [Int]
    private let plan: AdvancedIndex

    init(view: Tensor, base: Tensor) throws(TensorError) {
        viewShape = view.shape
        baseShape = base.shape
        // A storage position back to the base's row-major index: the base is a root tensor, never
        // overlapping, so taking its dimensions by decreasing stride decomposes the position.
        let order = base.strides.indices.sorted { base.strides[$0] > base.strides[$1] }
        let rowMajor = Shape.contiguousStrides(base.shape)
        let index = try Tensor.uninitialized([view.count], .int64, view.context)
        let p = index.pointer(Int64.self)
        var k = 0
        view.forEachElementOffset { position in
            var rest = position - base.offset, flat = 0
            for d in order where base.shape[d] > 1 && base.strides[d] > 0 {
                flat += rest / base.strides[d] * rowMajor[d]
                rest %= base.strides[d]
            }
            p[k] = Int64(flat)
            k += 1
        }
        plan = AdvancedIndex(indices: [index], indexShape: [view.count], inputShape: [base.count])
    }

    /// A gradient shaped like the view, placed into zeros shaped like the base (overlapping
    /// elements, as in an expanded view, add up).
    func scatter(_ grad: Tensor) throws(TensorError) -> Tensor {
        try grad.reshape([-1]).indexPutIntoZeros(plan).reshape(baseShape)
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
        let slice = result.view(shape: viewShape, strides: viewStrides, offset: result.offset + viewOffset)
        if let sliceNode = try asStridedRule.record(result, output: slice) {
            sliceNode.attributes.payload = try ViewPlacement(view: slice, base: result)
        }
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
    }

    /// torch's regenerated view history: `AsStridedBackward0` over the base's current history
    /// (with no next function when the base needs no gradient, as torch's: the view keeps
    /// requiring grad).
    func regeneratedViewHistory(base: Tensor) -> Node? {
        // the base is never a view: its edge cannot throw
        let edge = (try? base.gradientEdge) ?? nil
        guard let placement = try? ViewPlacement(view: self, base: base) else { return nil }
        let node = Node(asStridedRule, edges: [edge], outputs: [TensorMeta(shape: shape, dtype: dtype)],
                        sequenceNumber: context.takeSequenceNumber())
        node.attributes.payload = placement
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
