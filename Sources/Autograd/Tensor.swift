/// An n-dimensional array that can record the operations applied to it.
///
/// A tensor is a strided window (`shape`, `strides`, `offset`, in elements) onto a `Storage`;
/// views share their base's storage. Like torch's, a tensor is a reference: in-place ops, `.grad`
/// and `requires_grad_` change the one object every name bound to it sees.
public final class Tensor {
    /// The context this tensor was made in; its grad mode and limits govern every op on it.
    /// (Held strongly: an `unowned(unsafe)` one was retained again at each use, which cost
    /// more reference counting than it saved.)
    public let context: Context
    /// A `var` only so that `isKnownUniquelyReferenced` can inspect it.
    var storage: Storage
    /// Sizes, outermost first; empty for a 0-d tensor.
    public let shape: [Int]
    /// Element strides, one per dimension.
    public let strides: [Int]
    /// Index of the first element in the storage.
    let offset: Int
    /// The address of the first element (the storage's bytes plus the offset).
    let address: UnsafeMutableRawPointer
    public let dtype: DType
    /// `numel()`: the number of elements.
    public let count: Int
    /// True when the elements lie in row-major order with no gaps.
    let isContiguous: Bool
    /// True when the strides are exactly `Shape.contiguousStrides(shape)` (size-1 dimensions
    /// included), so that a new tensor of this shape may share them.
    let hasRowMajorStrides: Bool

    // MARK: Autograd metadata

    /// torch's `grad_fn`: the node that made this tensor; nil for leaves. A view whose base was
    /// written in place since its history was recorded gets a new one first (ViewHistory.swift),
    /// except the views torch refuses to regenerate (`staleViewError`): they keep their old one.
    public internal(set) var gradFn: Node? {
        get {
            if let base = viewBase, viewVersion != version, viewCreation == .ordinary { regenerateHistory(base: base) }
            return recordedGradFn
        }
        set {
            recordedGradFn = newValue
            if viewBase != nil { viewVersion = version }
        }
    }
    private var recordedGradFn: Node?

    /// A view's new history over its base's, after the base was written in place (out of
    /// line: the `gradFn` getter is on every op's path).
    @inline(never)
    private func regenerateHistory(base: Tensor) {
        viewVersion = version
        if recordedGradFn != nil || base.requiresGrad {
            recordedGradFn = regeneratedViewHistory(base: base)
            context.noteLateHistory(self)
        }
        outputNr = 0
        if retainsGrad { registerRetainGrad() }   // torch moves the retain_grad hook to the new node
    }
    /// The recorded history, without regenerating a view's: the node a retain_grad hook waits
    /// on (torch moves the hook only when the history is regenerated or rebased).
    var recordedHistory: Node? { recordedGradFn }
    /// Hands over the recorded history (without regenerating a view's), leaving none: for
    /// unlinking a graph that is being freed.
    func takeHistory() -> Node? {
        defer { recordedGradFn = nil }
        return recordedGradFn
    }
    /// The height of the histories this tensor holds (its own and a view's base's; 0 for none),
    /// without regenerating a view's.
    var historyHeight: Int { Swift.max(recordedGradFn?.height ?? 0, viewBase?.recordedGradFn?.height ?? 0) }
    /// Which output of `gradFn` this tensor is.
    var outputNr = 0
    /// Set once its context has noted a history given to it late (`Context.noteLateHistory`).
    var hasLateHistory = false
    /// A leaf's own `requires_grad` flag (a non-leaf requires grad through its `gradFn`).
    var leafRequiresGrad = false
    /// torch's `.grad`.
    public internal(set) var grad: Tensor? {
        didSet { if let grad, grad.historyHeight > 0 { context.noteLateHistory(grad) } }
    }
    /// Set by `retain_grad()` on a non-leaf.
    var retainsGrad = false
    /// The `AccumulateGrad` node of a leaf that requires grad, made on first use. A weak
    /// reference kept by hand: the node clears it when it dies (see `Node.deinit`), which
    /// spares every leaf the side table a Swift `weak` reference allocates.
    unowned(unsafe) var accumulator: Node?
    /// torch's `._base`: the tensor whose storage this view shares, or nil.
    var viewBase: Tensor?
    /// A view's version when its history was recorded (torch's `attr_version`).
    var viewVersion = 0
    /// How a view was made (torch's `CreationMeta`): torch refuses to write into, or to
    /// regenerate the history of, a view made under no_grad or by an op with several outputs.
    var viewCreation = ViewCreation.ordinary
    /// A counter of this tensor's own (a `.data` alias); nil for the storage's.
    private let ownVersionCounter: VersionCounter?

    init(storage: Storage, shape: [Int], strides: [Int], offset: Int, dtype: DType, context: Context,
         versionCounter: VersionCounter? = nil) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
        self.context = context
        self.ownVersionCounter = versionCounter
        self.address = storage.bytes + offset * dtype.byteWidth
        var count = 1
        var contiguous = true, rowMajor = true
        var expected = 1, rowMajorStride = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            count *= shape[d]
            if shape[d] != 1 && strides[d] != expected { contiguous = false }
            if strides[d] != rowMajorStride { rowMajor = false }
            expected *= shape[d]
            rowMajorStride *= Swift.max(shape[d], 1)
        }
        self.count = count
        self.isContiguous = contiguous || count == 0
        self.hasRowMajorStrides = rowMajor
    }

    /// The last tensor over a storage gives its bytes back to the context's limit.
    deinit {
        if isKnownUniquelyReferenced(&storage) { context.release(bytes: storage.byteCount) }
    }

    /// A fresh row-major tensor over a whole new storage: its count and layout are known, not
    /// recomputed from the strides.
    private init(fresh storage: Storage, shape: [Int], strides: [Int], count: Int, dtype: DType, context: Context) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = 0
        self.dtype = dtype
        self.context = context
        self.ownVersionCounter = nil
        self.address = storage.bytes
        self.count = count
        self.isContiguous = true
        self.hasRowMajorStrides = true
    }

    /// A new contiguous tensor of the given shape with uninitialised elements. `strides`, when
    /// given, are the row-major strides of `shape` (an operand's, shared to save an allocation).
    ///
    /// Checks the context's element and byte limits before allocating.
    /// `rowMajor: false` takes `strides` as some other dense layout (a permuted one).
    static func uninitialized(_ shape: [Int], _ dtype: DType, _ context: Context,
                              strides: [Int]? = nil, rowMajor: Bool = true) throws(TensorError) -> Tensor {
        let count = try Shape.count(shape)
        try context.checkElements(count)
        let storage = try Storage.allocate(byteCount: count * dtype.byteWidth, context: context)
        if !rowMajor, let strides {
            return Tensor(storage: storage, shape: shape, strides: strides, offset: 0, dtype: dtype, context: context)
        }
        return Tensor(fresh: storage, shape: shape, strides: strides ?? Shape.contiguousStrides(shape), count: count,
                      dtype: dtype, context: context)
    }

    /// A fresh output of a pointwise op over `a`, `b`, `c`, laid out as torch's TensorIterator
    /// lays it out (`OutputLayout`): row-major, sharing an operand's strides when they are the
    /// output's, or dense in the operands' own order.
    @inline(__always)
    static func pointwiseOutput(_ shape: [Int], _ dtype: DType, _ context: Context,
                                _ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil) throws(TensorError) -> Tensor {
        if let strides = OutputLayout.strides(shape, a, b, c) {
            return try uninitialized(shape, dtype, context, strides: strides, rowMajor: false)
        }
        let shared = a.hasRowMajorStrides && a.shape == shape ? a.strides
            : b.flatMap { $0.hasRowMajorStrides && $0.shape == shape ? $0.strides : nil }
        return try uninitialized(shape, dtype, context, strides: shared)
    }

    /// A tensor over this one's storage with other sizes and strides: a view in torch's sense.
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        let view = Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype,
                          context: context, versionCounter: ownVersionCounter)
        view.viewBase = viewBase ?? self
        view.viewVersion = view.version
        // torch's propagated creation meta: a view made under no_grad is a no-grad view, any
        // other inherits its source's (a view of split's output is a multi-output view too)
        view.viewCreation = context.isGradEnabled ? viewCreation : .noGradMode
        return view
    }

    /// `dim()`: the number of dimensions.
    public var rank: Int { shape.count }

    /// torch's `_version`: how many in-place writes this tensor's counter has seen (the
    /// storage's counter, or a `.data` alias's own).
    public var version: Int { ownVersionCounter?.version ?? storage.version }

    /// Records an in-place write (or `writes` of them, as a torch formula that writes its
    /// result several times leaves it).
    func bumpVersion(by writes: Int = 1) {
        if let own = ownVersionCounter { own.version += writes } else { storage.version += writes }
    }

    /// The counter to share with an alias: nil means the storage's.
    var sharedVersionCounter: VersionCounter? { ownVersionCounter }

    /// True when nothing else can see this tensor's elements: it is dense (in any order of its
    /// dimensions) and no other tensor holds its storage (a view holds its base's).
    func isDenseSoleOwner() -> Bool {
        isNonOverlappingAndDense && isKnownUniquelyReferenced(&storage)
    }

    /// `is_leaf`: true for tensors no recorded op produced.
    public var isLeaf: Bool { gradFn == nil }

    /// `requires_grad`: a history, the leaf's flag, or (for a view) its base's `requires_grad`,
    /// as torch's: a view made under no_grad of a tensor that requires grad requires grad too,
    /// though gradients do not flow back through it.
    public var requiresGrad: Bool { gradFn != nil || leafRequiresGrad || viewBase?.requiresGrad == true }

    /// The `grad_fn` name torch prints (`AddBackward0`), or nil for a leaf.
    public var gradFnName: String? { gradFn?.name }

    /// True when `retain_grad()` was called on this non-leaf.
    public var retainsGradient: Bool { retainsGrad }

    /// True when this tensor is a view of another (shares its storage).
    public var isView: Bool { viewBase != nil }

    /// torch's `gradient_edge`: the edge a gradient for this tensor travels along, its
    /// `grad_fn` and output number or a leaf's `AccumulateGrad`; nil when it does not require
    /// grad, and for a view that requires grad only through its base (one made under no_grad:
    /// gradients stop there). Throws torch's error for
    /// a view whose history torch refuses to regenerate.
    var gradientEdge: Edge? {
        get throws(TensorError) {
            if let error = staleViewError { throw error }
            if let gradFn { return Edge(node: gradFn, inputNr: outputNr) }
            if leafRequiresGrad { return Edge(node: gradAccumulator(), inputNr: 0) }
            return nil
        }
    }

    /// torch's refusal to regenerate the history of a view made under no_grad or by split or
    /// chunk once its base was written in place (nil when this tensor is not such a view).
    var staleViewError: TensorError? {
        guard viewCreation != .ordinary, let base = viewBase, viewVersion != version,
              recordedGradFn != nil || base.requiresGrad else { return nil }
        return viewRebaseError(indirect: true)
    }

    /// Throws what torch's `grad_fn` getter raises for this tensor: its error for a view made
    /// under no_grad or by split/chunk whose base was written in place since (see
    /// `staleViewError`); reading `gradFn` itself never throws.
    public func checkGradFn() throws(TensorError) {
        if let error = staleViewError { throw error }
    }

    /// torch's `handle_view_on_rebase`: the error for writing into a view made under no_grad or
    /// by an op with several outputs, or (`indirect`) for asking its history after its base was
    /// written; nil for an ordinary view.
    func viewRebaseError(indirect: Bool) -> TensorError? {
        if viewCreation == .ordinary { return nil }
        let modified = indirect ? "its base or another view of its base has been" : "is being"
        var output = ""
        if let node = recordedGradFn {
            let name = String(node.name.reversed().drop(while: \.isNumber).reversed())
            output = "Output \(outputNr) of \(name.hasSuffix("Backward") ? String(name.dropLast(8)) : name)"
        }
        var message: String
        if viewCreation == .noGradMode || output.isEmpty {
            let prefix = output.isEmpty ? "A view was created in" : "\(output) is a view of a view which was created in"
            message = "\(prefix) no_grad mode and \(modified) modified inplace with grad mode enabled."
        } else {
            message = "\(output) is a view and \(modified) modified inplace."
        }
        switch viewCreation {
        case .multiOutput:
            message += " This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one."
        case .noGradMode, .ordinary:
            message += " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
        }
        return .evaluation(message)
    }

    /// The leaf's `AccumulateGrad` node. It holds the leaf strongly; the leaf holds it weakly
    /// (`accumulator`, which the node clears when it dies), as torch does, so the node lives as
    /// long as some graph uses it.
    func gradAccumulator() -> Node {
        if let accumulator { return accumulator }
        let node = Node(accumulating: self)
        accumulator = node
        return node
    }

    /// Typed pointer to the first element. Valid while the tensor is alive.
    @inline(__always)
    func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        address.assumingMemoryBound(to: T.self)
    }
}

/// How a view was made, as torch's `CreationMeta` tells the views it will not rebase.
enum ViewCreation {
    /// With grad mode on, by an op with one output.
    case ordinary
    /// With grad mode off.
    case noGradMode
    /// By an op that returns several views (split, chunk), with grad mode on, or as a view of
    /// such a view.
    case multiOutput
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        "tensor(shape: \(shape), dtype: \(dtype)\(gradFn.map { ", grad_fn: \($0.name)" } ?? ""))"
    }
}
