// In-place ops: add_, sub_, mul_, div_, clamp_, zero_, fill_, copy_.
//
// Each computes its value out of place, writes it into `self`'s elements and bumps the version
// counter, so that saved tensors notice. When the op is recorded, it runs on a snapshot of
// `self` (its history and a copy of its old values, which rules like mul_'s read) and `self`
// takes the new node as its `grad_fn`, as torch's in-place ops rebase history; written through
// a view, the base takes a CopySlices node instead (Graph/ViewHistory.swift).

private let zeroRule = Derivatives.named("zero_")
private let fillRule = Derivatives.named("fill_.Scalar")
private let fillTensorRule = Derivatives.named("fill_.Tensor")
private let copyRule = Derivatives.named("copy_")
private let cloneRule = Derivatives.named("clone")

extension Tensor {
    /// `x.add_(other, alpha)`. Backward: AddBackward0.
    public func add_(_ other: Tensor, alpha: Scalar = 1) throws(TensorError) {
        try inPlace(operands: [other]) { (x) throws(TensorError) in try x.add(other, alpha: alpha) }
    }

    /// `x.add_(number, alpha)`. Backward: AddBackward0.
    public func add_(_ other: Scalar, alpha: Scalar = 1) throws(TensorError) {
        try inPlace(operands: []) { (x) throws(TensorError) in try x.add(other, alpha: alpha) }
    }

    /// `x.sub_(other, alpha)`. Backward: SubBackward0.
    public func sub_(_ other: Tensor, alpha: Scalar = 1) throws(TensorError) {
        try inPlace(operands: [other], kernelChecks: { () throws(TensorError) in try Kernels.checkSubtraction(self.dtype, other.dtype) }) {
            (x) throws(TensorError) in try x.sub(other, alpha: alpha)
        }
    }

    /// `x.sub_(number, alpha)`. Backward: SubBackward0.
    public func sub_(_ other: Scalar, alpha: Scalar = 1) throws(TensorError) {
        let otherType = other.wrappedDType(defaultFloat: context.defaultDType)   // a wrapped number's
        try inPlace(operands: [], kernelChecks: { () throws(TensorError) in try Kernels.checkSubtraction(self.dtype, otherType) }) {
            (x) throws(TensorError) in try x.sub(other, alpha: alpha)
        }
    }

    /// `x.mul_(other)`. Backward: MulBackward0.
    public func mul_(_ other: Tensor) throws(TensorError) {
        try inPlace(operands: [other]) { (x) throws(TensorError) in try x.mul(other) }
    }

    /// `x.mul_(number)`. Backward: MulBackward0.
    public func mul_(_ other: Scalar) throws(TensorError) {
        try inPlace(operands: []) { (x) throws(TensorError) in try x.mul(other) }
    }

    /// `x.pow_(number)`. Backward: PowBackward0 (over a clone of the original, which its rule reads).
    public func pow_(_ exponent: Scalar) throws(TensorError) {
        try inPlace(operands: []) { (x) throws(TensorError) in try x.pow(exponent) }
    }

    /// `x.div_(other)`, or with a `rounding_mode`. Backward: DivBackward0 (DivBackward2).
    public func div_(_ other: Tensor, roundingMode: RoundingMode? = nil) throws(TensorError) {
        try inPlace(operands: [other]) { (x) throws(TensorError) in
            if let roundingMode { return try x.div(other, roundingMode: roundingMode) }
            return try x.div(other)
        }
    }

    /// `x.div_(number)`, or with a `rounding_mode`. Backward: DivBackward0 (DivBackward2).
    public func div_(_ other: Scalar, roundingMode: RoundingMode? = nil) throws(TensorError) {
        try inPlace(operands: []) { (x) throws(TensorError) in
            if let roundingMode { return try x.div(other, roundingMode: roundingMode) }
            return try x.div(other)
        }
    }

    /// `x.clamp_(min, max)` with number bounds. Backward: ClampBackward1.
    public func clamp_(min lo: Scalar?, max hi: Scalar?) throws(TensorError) {
        // clamp's own check, in its meta function before the overlap checks, names the output
        // type as C does (`long int`)
        let type = Kernels.clampResultType(self, min: lo, max: hi)
        try inPlace(operands: [], outputTypeName: \.cName, kernelChecks: { () throws(TensorError) in
            try self.checkCast(of: type, outputTypeName: \.cName)
        }) { (x) throws(TensorError) in try x.clamp(min: lo, max: hi) }
    }

    /// `x.clamp_(min, max)` with tensor bounds. Backward: ClampBackward0.
    public func clamp_(min lo: Tensor?, max hi: Tensor?) throws(TensorError) {
        try inPlace(operands: [lo, hi].compactMap { $0 }, outputTypeName: \.cName) { (x) throws(TensorError) in
            try x.clamp(min: lo, max: hi)
        }
    }

    /// `x.zero_()`. Backward: ZeroBackward0.
    public func zero_() throws(TensorError) {
        try inPlace(operands: [], fills: true) { (x) throws(TensorError) in
            let out = try Tensor.zeros(x.shape, dtype: x.dtype, context: x.context)
            try zeroRule.record(x, output: out)
            return out
        }
    }

    /// `x.fill_(number)`. Backward: FillBackward2.
    public func fill_(_ value: Scalar) throws(TensorError) {
        try inPlace(operands: [], fills: true) { (x) throws(TensorError) in
            let out = try Tensor.full(x.shape, value, dtype: x.dtype, context: x.context)
            try fillRule.record(x, output: out)
            return out
        }
    }

    /// `x.fill_(tensor)` with a 0-d tensor value. Backward: FillBackward3.
    public func fill_(_ value: Tensor) throws(TensorError) {
        guard value.rank == 0 else {
            throw .evaluation("fill_ only supports 0-dimension value tensor but got tensor with \(value.rank) dimensions.")
        }
        try inPlace(operands: [value], fills: true) { (x) throws(TensorError) in
            let out = try Tensor.uninitialized(x.shape, x.dtype, x.context)
            Kernels.copy(from: value, into: out)
            try fillTensorRule.record(x, value, output: out)
            return out
        }
    }

    /// `x.copy_(src)`: `src` broadcast into `x`, converted to `x`'s dtype. Backward: CopyBackwards.
    public func copy_(_ source: Tensor) throws(TensorError) {
        try inPlace(operands: [source], castsFreely: true) { (x) throws(TensorError) in
            let out = try Tensor.uninitialized(x.shape, x.dtype, x.context)
            Kernels.copy(from: source, into: out)
            if let node = try copyRule.record(x, source, output: out) { node.attributes.shapes = [source.shape] }
            return out
        }
    }

    /// Runs `compute` on a snapshot of `self` (recorded) or on `self` (not recorded), then
    /// writes the result into `self`: torch's checks, version bump and history rebase.
    /// `fills`: zero_ and fill_ write one value everywhere, which torch allows into an
    /// expanded tensor; the other ops refuse to write into overlapping elements.
    /// `kernelChecks`: the op's own argument checks, which torch makes after check_inplace and
    /// before the overlap checks.
    private func inPlace(operands: [Tensor], castsFreely: Bool = false, fills: Bool = false,
                         outputTypeName: KeyPath<DType, String> = \.scalarTypeName,
                         kernelChecks: () throws(TensorError) -> Void = {},
                         _ compute: (Tensor) throws(TensorError) -> Tensor) throws(TensorError) {
        let anyRequiresGrad = context.isGradEnabled && (requiresGrad || operands.contains { $0.requiresGrad })
        // torch's `requires_grad &= isDifferentiableType(self)`: an integer or bool tensor written
        // from one that requires grad (copy_ casts) records nothing and stays a leaf
        let recording = anyRequiresGrad && dtype.isFloatingPoint
        // torch's generated in-place ops make check_inplace and collect the edges whenever an
        // input requires grad, whatever the written tensor's dtype (the kernel's cast check
        // comes after); copy_, written by hand, only when it would record
        if castsFreely ? recording : anyRequiresGrad {
            // torch's check_inplace, before the kernel's overlap checks
            if let base = viewBase {
                if let error = viewRebaseError(indirect: false) { throw error }
                if requiresGrad && base.isLeaf {
                    throw .evaluation("a view of a leaf Variable that requires grad is being used in an in-place operation.")
                }
            }
            if requiresGrad && isLeaf {
                throw .evaluation("a leaf Variable that requires grad is being used in an in-place operation.")
            }
            try Derivative.checkInputs(operands)   // torch collects the edges next
        }
        try kernelChecks()
        // TensorIterator's order: the output's own overlap, then its overlap with each input
        if !fills && hasInternalOverlap {
            throw .evaluation("unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.")
        }
        if operands.contains(where: partiallyOverlaps) {
            throw .evaluation("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.")
        }
        // then the inputs' broadcast shape, which must be the output's, before the kernels' checks
        if !operands.isEmpty {
            var broadcast = shape
            for operand in operands { broadcast = try Shape.broadcast(broadcast, operand.shape) }
            if broadcast != shape {
                throw .evaluation("output with shape \(Shape.format(shape)) doesn't match the broadcast shape \(Shape.format(broadcast))")
            }
        }
        let source = recording ? try snapshot() : self
        let result = try compute(source)
        if recording, source.requiresGrad, let node = result.gradFn { try saveOriginalAsClone(source, in: node) }
        // TensorIterator's order: the output's shape, then its dtype
        if result.shape != shape {
            throw .evaluation("output with shape \(Shape.format(shape)) doesn't match the broadcast shape \(Shape.format(result.shape))")
        }
        if !castsFreely { try checkCast(of: result.dtype, outputTypeName: outputTypeName) }
        Kernels.copy(from: result, into: self)
        bumpVersion()
        if recording, let node = result.gradFn, let base = viewBase {
            // Written through a view: the base's history records it; this view's history is
            // regenerated over the base's on next access.
            node.outputs[result.outputNr] = TensorMeta(shape: shape, dtype: dtype)
            try rebaseHistoryThroughView(node, base: base)
        } else if recording, let node = result.gradFn {
            node.outputs[result.outputNr] = TensorMeta(shape: shape, dtype: dtype)
            gradFn = node
            outputNr = result.outputNr
            leafRequiresGrad = false
            if retainsGrad { registerRetainGrad() }
            context.noteLateHistory(self)
        }
    }

    /// torch's refusal to write a result of `type` into this tensor when the cast would lose
    /// information (a float into an int64 tensor).
    private func checkCast(of type: DType, outputTypeName: KeyPath<DType, String>) throws(TensorError) {
        if !Self.canCast(type, to: dtype) {
            throw .evaluation("result type \(type.scalarTypeName) can't be cast to the desired output type \(dtype[keyPath: outputTypeName])")
        }
    }

    /// torch's partial overlap: `other` shares storage with this tensor and some elements, but
    /// is not the very same elements in the same layout (reading all of `x` into `x` is fine).
    private func partiallyOverlaps(_ other: Tensor) -> Bool {
        // torch's get_overlap_status: only two dense layouts over one storage are compared
        // (anything else is "too hard" and passes), by the span of their elements
        guard other !== self, other.storage === storage, count > 0, other.count > 0,
              isNonOverlappingAndDense, other.isNonOverlappingAndDense else { return false }
        let begin = offset, end = offset + count, otherBegin = other.offset, otherEnd = other.offset + other.count
        if begin == otherBegin && end == otherEnd { return strides != other.strides }
        return begin < otherEnd && otherBegin < end
    }

    /// torch saves an in-place op's original `self` as `self.clone()`, recorded: under
    /// create_graph the saved value leads back through CloneBackward0 (the node's own edge still
    /// goes straight to the original history).
    private func saveOriginalAsClone(_ original: Tensor, in node: Node) throws(TensorError) {
        guard node.savedTensors.contains(where: { $0.tensor === original }) else { return }
        let clone = original.alias()
        clone.viewBase = nil
        guard try cloneRule.record(original, output: clone) != nil else { return }
        node.noteSavedHistory(clone)
        node.savedTensors.updateEach { entry in
            if entry.tensor === original {
                var replaced = SavedTensor(input: clone)
                replaced.isChecked = entry.isChecked
                entry = replaced
            }
        }
    }

    /// A copy of this tensor's values carrying its history (same `grad_fn`), the stand-in for
    /// `self` when an in-place op is recorded.
    private func snapshot() throws(TensorError) -> Tensor {
        let copy = try detachedCopy()
        copy.gradFn = gradFn
        copy.outputNr = outputNr
        copy.leafRequiresGrad = leafRequiresGrad
        return copy
    }

    /// torch's `canCast`: no float to integer, no non-bool to bool.
    static func canCast(_ from: DType, to: DType) -> Bool {
        if from.isFloatingPoint && !to.isFloatingPoint { return false }
        if from != .bool && to == .bool { return false }
        return true
    }

    /// `existing += grad` for gradient accumulation (grad mode off): no checks, version bumped.
    func addInPlaceUnchecked(_ other: Tensor) throws(TensorError) {
        if isContiguous && other.shape == shape && other.dtype == dtype && other.storage !== storage {
            Kernels.accumulate(other, into: self)
        } else {
            let sum = try Kernels.binary(.add, self, other)
            Kernels.copy(from: sum, into: self)
        }
        bumpVersion()
    }
}
