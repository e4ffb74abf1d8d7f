/// An n-dimensional array that can record the operations applied to it.
///
/// A tensor is a strided window (`shape`, `strides`, `offset`, in elements) onto a `Storage`;
/// views share their base's storage. Like torch's, a tensor is a reference: in-place ops, `.grad`
/// and `requires_grad_` change the one object every name bound to it sees.
public final class Tensor {
    /// The context this tensor was made in; its grad mode and limits govern every op on it.
    ///
    /// Unowned: the storage holds its context strongly (it is charged for the bytes), and the
    /// tensor holds the storage, so the context outlives the tensor; this saves a reference
    /// count on every tensor made.
    public unowned(unsafe) let context: Context
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

    // MARK: Autograd metadata

    /// torch's `grad_fn`: the node that made this tensor; nil for leaves. A view whose base was
    /// written in place since its history was recorded gets a new one first (ViewHistory.swift).
    public internal(set) var gradFn: Node? {
        get {
            if let base = viewBase, viewVersion != version {
                viewVersion = version
                if recordedGradFn != nil || base.requiresGrad { recordedGradFn = regeneratedViewHistory(base: base) }
                outputNr = 0
            }
            return recordedGradFn
        }
        set {
            recordedGradFn = newValue
            if viewBase != nil { viewVersion = version }
        }
    }
    private var recordedGradFn: Node?
    /// The height of the histories this tensor holds (its own and a view's base's; 0 for none),
    /// without regenerating a view's.
    var historyHeight: Int { Swift.max(recordedGradFn?.height ?? 0, viewBase?.recordedGradFn?.height ?? 0) }
    /// Which output of `gradFn` this tensor is.
    var outputNr = 0
    /// A leaf's own `requires_grad` flag (a non-leaf requires grad through its `gradFn`).
    var leafRequiresGrad = false
    /// torch's `.grad`.
    public internal(set) var grad: Tensor?
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
    /// A view made with grad mode off: torch refuses to write into it with grad mode on.
    var isNoGradView = false
    /// One of several views one op returned (split, chunk): torch refuses to write into it
    /// while recording.
    var isMultiOutputView = false
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
        var contiguous = true
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            count *= shape[d]
            if shape[d] != 1 && strides[d] != expected { contiguous = false }
            expected *= shape[d]
        }
        self.count = count
        self.isContiguous = contiguous || count == 0
    }

    /// A new contiguous tensor of the given shape with uninitialised elements.
    ///
    /// Checks the context's element and byte limits before allocating.
    static func uninitialized(_ shape: [Int], _ dtype: DType, _ context: Context,
                              strides: [Int]? = nil) throws(TensorError) -> Tensor {
        let count = try Shape.count(shape)
        try context.checkElements(count)
        let storage = try Storage.allocate(byteCount: count * dtype.byteWidth, context: context)
        return Tensor(storage: storage, shape: shape, strides: strides ?? Shape.contiguousStrides(shape),
                      offset: 0, dtype: dtype, context: context)
    }

    /// A tensor over this one's storage with other sizes and strides: a view in torch's sense.
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        let view = Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype,
                          context: context, versionCounter: ownVersionCounter)
        view.viewBase = viewBase ?? self
        view.viewVersion = view.version
        view.isNoGradView = !context.isGradEnabled
        view.isMultiOutputView = isMultiOutputView   // a view of split's output inherits its rule
        return view
    }

    /// `dim()`: the number of dimensions.
    public var rank: Int { shape.count }

    /// torch's `_version`: how many in-place writes this tensor's counter has seen (the
    /// storage's counter, or a `.data` alias's own).
    public var version: Int { ownVersionCounter?.version ?? storage.version }

    /// Records an in-place write.
    func bumpVersion() {
        if let own = ownVersionCounter { own.version += 1 } else { storage.version += 1 }
    }

    /// The counter to share with an alias: nil means the storage's.
    var sharedVersionCounter: VersionCounter? { ownVersionCounter }

    /// True when nothing else can see this tensor's elements: a fresh, contiguous, whole
    /// storage held by this tensor alone. Such a gradient can become a `.grad` without a copy.
    func ownsItsStorage() -> Bool {
        isContiguous && offset == 0 && viewBase == nil && ownVersionCounter == nil
            && count * dtype.byteWidth == storage.byteCount && isKnownUniquelyReferenced(&storage)
    }

    /// `is_leaf`: true for tensors no recorded op produced.
    public var isLeaf: Bool { gradFn == nil }

    /// `requires_grad`.
    public var requiresGrad: Bool { gradFn != nil || leafRequiresGrad }

    /// The `grad_fn` name torch prints (`AddBackward0`), or nil for a leaf.
    public var gradFnName: String? { gradFn?.name }

    /// True when `retain_grad()` was called on this non-leaf.
    public var retainsGradient: Bool { retainsGrad }

    /// True when this tensor is a view of another (shares its storage).
    public var isView: Bool { viewBase != nil }

    /// The edge a gradient for this tensor travels along: its `grad_fn` and output number, or
    /// a leaf's `AccumulateGrad`; nil when it does not require grad.
    var gradientEdge: Edge? {
        if let gradFn { return Edge(node: gradFn, inputNr: outputNr) }
        if leafRequiresGrad { return Edge(node: gradAccumulator(), inputNr: 0) }
        return nil
    }

    /// The leaf's `AccumulateGrad` node. It holds the leaf strongly; the leaf holds it weakly,
    /// as torch does, so the node lives as long as some graph uses it.
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

extension Tensor: CustomStringConvertible {
    public var description: String {
        "tensor(shape: \(shape), dtype: \(dtype)\(gradFn.map { ", grad_fn: \($0.name)" } ?? ""))"
    }
}
