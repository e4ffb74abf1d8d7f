/// A backward formula for one input: the gradient of that input given the node (its saved
/// tensors and attributes) and the gradient of the node's output.
public typealias Formula = @Sendable (Node, Tensor) throws -> Tensor

/// A backward formula for all inputs at once, given the gradient of each output (nil where no
/// gradient arrived): for ops with several outputs or a variable number of inputs.
public typealias JointFormula = @Sendable (Node, [Tensor?]) throws -> [Tensor?]

/// One row of the derivative table: an op overload, the `grad_fn` name torch gives it, and its
/// vector-Jacobian product.
///
/// As in torch's `derivatives.yaml`, the formulas are written with the engine's own
/// differentiable ops, so running them with grad mode on (`create_graph`) records their graph and
/// higher-order derivatives come for free.
public final class Derivative: Sendable {
    /// The aten overload, `mul.Tensor`; the family is the part before the dot.
    public let name: String
    /// The `grad_fn` name torch gives the node: `MulBackward0`.
    public let gradFn: String
    /// One formula per forward input, each run only when that input needs a gradient. Kept
    /// in memory of their own rather than an array: the backward walk reads them for every
    /// node through the node's unowned reference, and an array read that way is retained and
    /// released each time, an atomic count on an object every worker thread shares.
    nonisolated(unsafe) let formulas: UnsafeMutableBufferPointer<Formula>?
    /// One formula for every input at once (ops with several outputs or many inputs).
    let joint: JointFormula?
    // Neither: `AccumulateGrad`, which adds the incoming gradient into a leaf's `.grad`.

    init(_ name: String, _ gradFn: String, _ formulas: Formula...) {
        self.name = name
        self.gradFn = gradFn
        let table = UnsafeMutableBufferPointer<Formula>.allocate(capacity: formulas.count)
        _ = table.initialize(from: formulas)
        self.formulas = table
        self.joint = nil
    }

    init(_ name: String, _ gradFn: String, joint: @escaping JointFormula) {
        self.name = name
        self.gradFn = gradFn
        self.formulas = nil
        self.joint = joint
    }

    init(accumulating name: String) {
        self.name = name
        self.gradFn = name
        self.formulas = nil
        self.joint = nil
    }

    deinit {
        if let formulas {
            formulas.deinitialize()
            formulas.deallocate()
        }
    }

    /// The op family: `mul` for `mul.Tensor`.
    public var family: Substring { name.prefix { $0 != "." } }

    /// Throws torch's error for the first input whose history cannot be regenerated
    /// (`Tensor.staleViewError`) when grad mode is on. torch's autograd layer collects an op's
    /// input edges before the kernel runs, so that error comes before the kernel's own checks
    /// of its arguments: ops call this before their kernel with the inputs they then record.
    @inline(__always)
    static func checkInputs(_ a: Tensor?, _ b: Tensor? = nil, _ c: Tensor? = nil) throws(TensorError) {
        try a?.checkHistory()
        try b?.checkHistory()
        try c?.checkHistory()
    }

    static func checkInputs(_ inputs: [Tensor]) throws(TensorError) {
        for input in inputs { try input.checkHistory() }
    }

    /// Records a node for `output`, computed from `inputs`, when grad mode is on and some input
    /// requires grad; nil otherwise. A nil input is a Python number: it takes an input position
    /// (torch's `None` entry in `next_functions`) but never a gradient; so does an input that
    /// requires grad without an edge (a view made under no_grad). Throws torch's error for an
    /// input whose history cannot be regenerated (`Tensor.staleViewError`).
    ///
    /// The output becomes a non-leaf whose `grad_fn` is the new node. The caller then saves what
    /// the rule reads. Fixed-arity forms avoid allocating argument arrays on this hot path.
    @discardableResult
    func record(_ a: Tensor?, output: Tensor) throws(TensorError) -> Node? {
        guard output.context.isGradEnabled, let a else { return nil }
        // an edge means the input requires grad; without one it still may (a no_grad view)
        let edge = try a.gradientEdge
        guard edge != nil || a.requiresGrad else { return nil }
        return makeNode(SmallArray(consume edge), output)
    }

    @discardableResult
    func record(_ a: Tensor?, _ b: Tensor?, output: Tensor) throws(TensorError) -> Node? {
        guard output.context.isGradEnabled else { return nil }
        let ea = try a?.gradientEdge, eb = try b?.gradientEdge
        guard ea != nil || eb != nil || a?.requiresGrad == true || b?.requiresGrad == true else { return nil }
        return makeNode(SmallArray(consume ea, consume eb), output)
    }

    @discardableResult
    func record(_ a: Tensor?, _ b: Tensor?, _ c: Tensor?, output: Tensor) throws(TensorError) -> Node? {
        guard output.context.isGradEnabled else { return nil }
        var edges = SmallArray(try a?.gradientEdge, try b?.gradientEdge)
        edges.append(try c?.gradientEdge)
        guard edges.contains(where: { $0 != nil }) || [a, b, c].contains(where: { $0?.requiresGrad == true }) else { return nil }
        return makeNode(consume edges, output)
    }

    /// Records a node with any number of inputs and outputs (cat, split, max with indices…).
    @discardableResult
    func record(inputs: [Tensor?], outputs: [Tensor]) throws(TensorError) -> Node? {
        guard let context = outputs.first?.context, context.isGradEnabled else { return nil }
        var edges = SmallArray<Edge?>()
        for input in inputs { edges.append(try input?.gradientEdge) }
        guard edges.contains(where: { $0 != nil }) || inputs.contains(where: { $0?.requiresGrad == true }) else { return nil }
        let node = Node(self, edges: edges,
                        outputs: SmallArray(outputs.lazy.map { TensorMeta(shape: $0.shape, dtype: $0.dtype) }),
                        sequenceNumber: context.takeSequenceNumber())
        for (nr, output) in outputs.enumerated() { output.becomeOutput(nr, of: node) }
        return node
    }

    private func makeNode(_ edges: consuming SmallArray<Edge?>, _ output: Tensor) -> Node {
        let node = Node(self, edges: edges, outputs: SmallArray(TensorMeta(shape: output.shape, dtype: output.dtype)),
                        sequenceNumber: output.context.takeSequenceNumber())
        output.becomeOutput(0, of: node)
        return node
    }
}

extension Tensor {
    /// See `Derivative.checkInputs`.
    @inline(__always)
    fileprivate func checkHistory() throws(TensorError) {
        if viewCreation != .ordinary, context.isGradEnabled, let error = staleViewError { throw error }
    }

    /// Makes this tensor output `nr` of `node`: a non-leaf whose `grad_fn` is the node.
    func becomeOutput(_ nr: Int, of node: Node) {
        gradFn = node
        outputNr = nr
        leafRequiresGrad = false
    }
}

extension Node {
    /// Saves forward inputs for the rule, in order.
    func save(_ inputs: Tensor...) {
        for t in inputs {
            savedTensors.append(SavedTensor(input: t))
            noteSavedHistory(t)
        }
    }

    /// Saves inputs under torch's names for them, which set the order torch unpacks (and so
    /// checks) them in.
    func save(_ a: Tensor, as nameA: SavedName, _ b: Tensor, as nameB: SavedName) {
        save(a, as: nameA)
        save(b, as: nameB)
    }

    /// Saves an input, checked for in-place writes when the rule's formulas read it.
    func save(_ t: Tensor, checked: Bool) {
        var saved = SavedTensor(input: t)
        saved.isChecked = checked
        savedTensors.append(saved)
        noteSavedHistory(t)
    }

    /// Saves an input under torch's name for it; `checked: false` where torch would not save it
    /// (no formula that will run reads it), so that writing it in place is no error.
    func save(_ t: Tensor, as name: SavedName, checked: Bool = true) {
        var saved = SavedTensor(input: t)
        saved.name = name
        saved.isChecked = checked
        savedTensors.append(saved)
        noteSavedHistory(t)
    }

    /// Saves the two inputs of a binary op, each read only by the other one's formula (mul, mm,
    /// …), under torch's names: as torch, a tensor whose reader will not run is not checked for
    /// in-place changes.
    func saveCrossed(_ a: Tensor, as nameA: SavedName, _ b: Tensor, as nameB: SavedName) {
        save(a, as: nameA, checked: needsGradient(1))
        save(b, as: nameB, checked: needsGradient(0))
    }

    /// A saved tensor holds its history: this node is taller than it.
    func noteSavedHistory(_ t: Tensor) {
        let below = t.historyHeight
        if below >= height { height = below + 1 }
    }

    /// Saves forward outputs for the rule, after the inputs (read back with `result(_:)`).
    func saveResult(_ outputs: Tensor...) {
        attributes.resultSlot = savedTensors.count
        for t in outputs {
            let saved = SavedTensor(output: t)   // an alias without the output's own history
            noteSavedHistory(saved.tensor)
            savedTensors.append(saved)
        }
    }
}
