/// Where a node sends the gradient of one of its forward inputs: torch's `next_functions` entry.
public struct Edge {
    /// The node that receives the gradient (the input's `grad_fn` or `AccumulateGrad`).
    public let node: Node
    /// Which of that node's forward outputs the input was.
    public let inputNr: Int
}

/// An edge that does not keep its node alive: the backward walk's, whose root keeps every node
/// it reaches alive while it runs.
struct UnretainedEdge {
    let node: Unmanaged<Node>
    let inputNr: Int

    @inline(__always)
    init(_ edge: borrowing Edge) {
        node = .passUnretained(edge.node)
        inputNr = edge.inputNr
    }

    /// `body` applied to the node, not retained.
    @inline(__always)
    func withNode<R>(_ body: (Node) -> R) -> R { node._withUnsafeGuaranteedRef(body) }
}

/// Shape and dtype of one forward output: what a gradient flowing back into it must look like.
struct TensorMeta {
    let shape: [Int]
    let dtype: DType
}

/// One node of the backward graph: torch's `grad_fn` (or `AccumulateGrad` for a leaf).
///
/// A node is recorded by each differentiable op when grad mode is on and some input requires
/// grad. It knows its rule in the derivative table, where each input's gradient goes, and the
/// tensors and attributes its rule reads. Backward rules receive the node as their context.
public final class Node {
    /// The rule of this node in `Derivatives.table`.
    unowned(unsafe) let derivative: Derivative
    /// torch's `next_functions`: one entry per forward input, nil where that input does not
    /// require grad.
    var edges: SmallArray<Edge?>
    /// Shape and dtype of each forward output, in output order.
    var outputs: SmallArray<TensorMeta>
    /// torch's sequence number: among nodes ready at once, the later one runs first.
    let sequenceNumber: Int
    /// The tensors the rule reads (`self`, `other`, `result`, indices…), in the rule's order.
    var savedTensors = SmallArray<SavedTensor>()
    /// Non-tensor values the rule reads (dims, scalars, shapes).
    var attributes = Attributes()
    /// The longest path of strong references below this node (edges and saved histories): how
    /// deep Swift's recursive release of it can go.
    var height = 1
    /// Set when backward ran without `retain_graph`: saved tensors are gone.
    var isReleased = false
    /// The leaf an `AccumulateGrad` node accumulates into.
    let variable: Tensor?
    /// Non-leaf outputs that called `retain_grad()`, by output number.
    var retainedOutputs: [(nr: Int, tensor: WeakTensor)] = []

    // Bookkeeping of the backward walk in progress (see `Backward`).
    var walkID = 0
    var dependencies: Int32 = 0
    var isNeeded = false
    var buffer = SmallArray<Tensor?>()

    init(_ derivative: Derivative, edges: consuming SmallArray<Edge?>, outputs: consuming SmallArray<TensorMeta>, sequenceNumber: Int) {
        self.derivative = derivative
        self.edges = edges
        self.outputs = outputs
        self.sequenceNumber = sequenceNumber
        self.variable = nil
        for i in 0..<self.edges.count {   // read in place: a copy of an edge retains its node
            if let below = self.edges.unretained(at: i)?.withNode(\.height), below >= height { height = below + 1 }
        }
    }

    /// An `AccumulateGrad` node for `leaf`.
    init(accumulating leaf: Tensor) {
        derivative = Derivatives.accumulateGrad
        edges = []
        outputs = SmallArray(TensorMeta(shape: leaf.shape, dtype: leaf.dtype))
        sequenceNumber = .max
        variable = leaf
    }

    /// The node's name as torch prints it: `MulBackward0`, `AccumulateGrad`.
    public var name: String { derivative.gradFn }

    /// torch's `next_functions`: where each forward input's gradient goes (nil: nowhere).
    public var nextFunctions: [Edge?] { Array(edges) }

    /// The number of forward outputs (gradient slots) of this node.
    var outputCount: Int { outputs.count }

    // MARK: What backward rules read

    /// The `i`-th saved tensor, checked as torch checks a SavedVariable when it is unpacked:
    /// the graph must not have been freed and the tensor must not have been modified in place.
    public func saved(_ i: Int) throws(TensorError) -> Tensor {
        if isReleased { throw Node.freedGraphError }
        return try savedTensors[i].unpack(for: self)
    }

    /// A saved tensor read only for its geometry (as torch saves sizes and strides, not the
    /// tensor): no version check.
    func savedGeometry(_ i: Int) throws(TensorError) -> Tensor {
        if isReleased { throw Node.freedGraphError }
        return savedTensors[i].tensor
    }

    /// The node edge `i` sends its gradient to, or nil, unretained: for the backward walk,
    /// whose root keeps every node it reaches alive.
    @inline(__always)
    func nextNode(_ i: Int) -> Unmanaged<Node>? { edges.unretained(at: i)?.node }

    /// The shape input `i` had in the forward pass, read from the node its gradient goes to
    /// (defined whenever the rule runs for input `i`).
    public func inputShape(_ i: Int) -> [Int] {
        let edge = edges[i]!
        return edge.node.outputs[edge.inputNr].shape
    }

    /// Throws torch's freed-graph error once backward has released this node. Rules call it
    /// where torch would unpack a saved wrapped number (`x * 2` saves the 2 as a tensor).
    func checkNotReleased() throws(TensorError) {
        if isReleased { throw Node.freedGraphError }
    }

    /// Checks every saved tensor before the rule runs, as torch's nodes unpack all their saved
    /// variables first, whether or not a formula reads them. Of several modified since, torch
    /// reports the one it unpacks first (`SavedTensor.unpacks(before:)`).
    func checkSavedVersions() throws(TensorError) {
        for i in 0..<savedTensors.count where savedTensors[i].isChecked && savedTensors[i].isModified {
            try throwFirstModified()
        }
    }

    /// Throws torch's version error for the modified saved tensor torch unpacks first.
    @inline(never)
    private func throwFirstModified() throws(TensorError) {
        var first: SavedTensor?
        for i in 0..<savedTensors.count {
            let saved = savedTensors[i]
            guard saved.isChecked, saved.isModified else { continue }
            if let f = first, !saved.unpacks(before: f) { continue }
            first = saved
        }
        try first?.checkVersion(for: self)
    }

    /// The forward result, re-attached to this node so that `create_graph` differentiates
    /// through it (torch saves outputs without their `grad_fn` to avoid a reference cycle).
    public func result(_ nr: Int = 0) throws(TensorError) -> Tensor {
        try saved(resultSlot + nr)
    }

    /// Saved tensors of rules that save their result keep it after the inputs.
    var resultSlot: Int { attributes.resultSlot }

    static let freedGraphError = TensorError.evaluation(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")

    /// Whether the gradient of forward input `i` is wanted (its edge exists).
    public func needsGradient(_ i: Int) -> Bool { i < edges.count && edges[i] != nil }

    /// Graphs lower than this are released by Swift's own recursion, which is bounded by their
    /// height; taller ones are unlinked iteratively.
    static let recursionLimit = 256

    /// Unlinks the graph below this node without recursion when it may be deep: a long chain of
    /// nodes freed at once would otherwise release each next node from inside the previous
    /// one's deinit and overflow the stack (torch's `deleteNode` does the same). A node lower
    /// than the recursion limit whose saved tensors still hold histories lower than itself is
    /// released by Swift's own recursion: every node that recursion reaches is lower again, so
    /// it cannot go deeper than the limit. (A saved tensor written in place after it was saved
    /// has a new history the node's height does not know: that node takes the iterative path.)
    deinit {
        if let variable, variable.accumulator === self { variable.accumulator = nil }
        if height < Node.recursionLimit && savedHistoriesAreLower { return }
        var pending: [Node] = []
        Node.detach(self, into: &pending)
        while var node = pending.popLast() {
            if isKnownUniquelyReferenced(&node) { Node.detach(node, into: &pending) }
        }
    }

    /// True when every saved tensor's histories are lower than this node (as when they were
    /// saved).
    private var savedHistoriesAreLower: Bool {
        for i in 0..<savedTensors.count where savedTensors[i].tensor.historyHeight >= height { return false }
        return true
    }

    /// Moves a node's references to other nodes (edges, and the history of saved tensors
    /// that nothing else holds) into `pending`.
    private static func detach(_ node: Node, into pending: inout [Node]) {
        var edges = SmallArray<Edge?>()
        swap(&edges, &node.edges)   // moved out, then each edge moved into `pending`
        while !edges.isEmpty { if let next = edges.removeLast()?.node { pending.append(next) } }
        if node.savedTensors.isEmpty { return }
        node.savedTensors.updateEach { entry in
            if isKnownUniquelyReferenced(&entry.tensor), let history = entry.tensor.takeHistory() {
                pending.append(history)
            }
        }
        node.savedTensors.removeAll()
    }

    /// Frees what the rule saved, as torch's `release_variables()` after a backward pass.
    func release() {
        isReleased = true
        if !savedTensors.isEmpty { savedTensors.removeAll() }
    }
}

/// torch's names for the inputs a node saves, where it saves several, declared in alphabetical
/// order: torch's generated nodes unpack (and so check) their saved inputs sorted by name.
enum SavedName: UInt8 {
    case exponent, mat1, mat2, max, min, other, posWeight, `self`, target, tensor, vec, weight
    /// A single saved input, or inputs saved in torch's order already.
    case unnamed = 255
}

/// A weak reference to a tensor (retain_grad hooks must not keep their tensor alive).
struct WeakTensor {
    weak var tensor: Tensor?
}

/// One saved tensor of a node: torch's `SavedVariable`.
struct SavedTensor {
    /// The tensor, or for a saved output a detached alias of it (no reference cycle).
    var tensor: Tensor
    /// The version of its counter when saved.
    let version: Int
    /// The output number, when `isOutput`.
    let outputNr: Int
    /// True when the tensor is an output of the saving node.
    let isOutput: Bool
    /// False when no formula that will run reads it (torch would not have saved it), so that
    /// modifying it in place is no error.
    var isChecked = true
    /// torch's name for it, where a node saves several inputs: the generated nodes unpack
    /// their saved inputs in the order of these names.
    var name = SavedName.unnamed
    init(input: Tensor) {
        tensor = input
        version = input.version
        isOutput = false
        outputNr = 0
    }

    init(output: Tensor) {
        tensor = output.alias()
        version = output.version
        isOutput = true
        outputNr = output.outputNr
    }

    func unpack(for node: Node) throws(TensorError) -> Tensor {
        try checkVersion(for: node)
        guard isOutput, tensor.context.isGradEnabled else { return tensor }
        // Under create_graph the output must lead back to this node.
        let attached = tensor.alias()
        attached.gradFn = node
        attached.outputNr = outputNr
        return attached
    }

    /// True when its version counter moved since it was saved.
    var isModified: Bool { tensor.version != version }

    /// Whether torch's node unpacks this one before `other`: saved inputs before saved outputs,
    /// inputs in the order of their names (torch's codegen sorts them), else in saving order.
    func unpacks(before other: SavedTensor) -> Bool {
        if isOutput != other.isOutput { return !isOutput }
        return name != .unnamed && other.name != .unnamed && name.rawValue < other.name.rawValue
    }

    /// torch's check that a saved tensor was not modified in place since it was saved.
    func checkVersion(for node: Node) throws(TensorError) {
        let current = tensor.version
        if current != version {
            let producer = isOutput ? node.name : tensor.gradFn?.name
            let which = producer.map { ", which is output \(isOutput ? outputNr : tensor.outputNr) of \(Self.opName($0))," } ?? ""
            throw .evaluation("one of the variables needed for gradient computation has been modified by an inplace operation: [\(tensor.dtype.legacyTypeName) \(Shape.format(tensor.shape))]\(which) is at version \(current); expected version \(version) instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
        }
    }

    /// torch names the producing op without `Backward0`, or `Backward` before another
    /// number (`output 0 of Exp`, `output 0 of Clamp1` for ClampBackward1), and its hand-written
    /// nodes (CopySlices, CopyBackwards) by their C++ name (`torch::autograd::CopySlices`).
    private static func opName(_ gradFn: String) -> String {
        if gradFn == "CopySlices" || gradFn == "CopyBackwards" { return "torch::autograd::" + gradFn }
        return gradFn.replacing("Backward0", with: "").replacing("Backward", with: "")
    }
}

extension Tensor {
    /// A tensor over the same storage, shape and version counter with no autograd history.
    func alias() -> Tensor {
        let t = Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype,
                       context: context, versionCounter: sharedVersionCounter)
        t.viewBase = viewBase
        t.viewVersion = viewVersion
        return t
    }
}
