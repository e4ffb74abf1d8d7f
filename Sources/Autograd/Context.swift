import Dispatch

/// The state one program runs in: grad mode, the default dtype, the random generator and the
/// compute limits. Every tensor belongs to one context.
///
/// torch keeps grad mode and the default dtype in thread-local and process-wide globals; the
/// engine keeps them here instead, so that concurrent programs never see each other's settings.
/// A context is used by one thread at a time.
public final class Context {
    /// `torch.is_grad_enabled()`: whether ops record the graph. `no_grad` blocks clear it.
    public var isGradEnabled = true
    /// `torch.get_default_dtype()`: the dtype of float literals and creation ops.
    public let defaultDType: DType
    /// The generator behind `randn`, `rand` and their `_like` forms. Without a seed it is
    /// seeded from the system's random source when first used, not when the context is made:
    /// most programs draw no random numbers, and the draw is a system call.
    public lazy var generator = Generator(seed: seed ?? UInt64.random(in: .min ... .max))
    /// The seed the context was made with, if any.
    private let seed: UInt64?
    /// The limits this context enforces.
    public let limits: Limits
    /// Bytes of tensor storage currently alive in this context.
    public private(set) var bytesHeld = 0
    /// Monotonic nanoseconds after which work stops with `limitExceeded`; nil for no deadline.
    private let deadline: UInt64?
    /// Set while the backward walk runs derivative formulas, which are torch's C++: a number in
    /// an op is a `Scalar` overload there (MulBackward1), not a wrapped Python number.
    public internal(set) var runsBackwardFormulas = false
    /// Sequence numbers give graph nodes torch's backward order (later nodes first).
    var nextSequenceNumber = 0
    /// How many graph nodes this context has recorded.
    public var nodesRecorded: Int { nextSequenceNumber }
    /// Tensors given a history after they were made (`releaseGraphs`).
    private var lateHistories: [WeakTensor] = []

    /// Compute limits, each enforced where memory is allocated or work is done.
    public struct Limits: Sendable {
        /// Elements in one tensor; checked before a tensor's storage is allocated.
        public var maxElements: Int
        /// Total bytes of storage alive at once; checked at every allocation.
        public var maxBytes: Int
        /// Wall time for the whole context, checked between steps and inside long kernels.
        public var maxDuration: Duration?

        public init(maxElements: Int = 1 << 24, maxBytes: Int = 1 << 30, maxDuration: Duration? = nil) {
            self.maxElements = maxElements
            self.maxBytes = maxBytes
            self.maxDuration = maxDuration
        }

        /// No limit beyond what the machine can address: for tests and offline use.
        public static let unlimited = Limits(maxElements: .max, maxBytes: .max, maxDuration: nil)
    }

    public init(defaultDType: DType = .float32, seed: UInt64? = nil, limits: Limits = Limits()) {
        precondition(defaultDType.isFloatingPoint, "the default dtype is a floating dtype")
        self.defaultDType = defaultDType
        self.seed = seed
        self.limits = limits
        if let duration = limits.maxDuration {
            let (seconds, attoseconds) = duration.components
            let nanos = max(0, seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
            deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(clamping: nanos)
        } else {
            deadline = nil
        }
    }

    /// Runs `body` with grad mode set to `enabled`, restoring the previous mode afterwards,
    /// as `with torch.no_grad():` and `with torch.enable_grad():` do.
    public func withGradMode<T, E: Error>(_ enabled: Bool, _ body: () throws(E) -> T) throws(E) -> T {
        let saved = isGradEnabled
        isGradEnabled = enabled
        defer { isGradEnabled = saved }
        return try body()
    }

    /// Throws `limitExceeded` once the wall-time limit has passed.
    public func checkDeadline() throws(TensorError) {
        if let deadline, DispatchTime.now().uptimeNanoseconds > deadline {
            throw .limitExceeded("the program ran longer than its time limit")
        }
    }

    /// Throws unless a tensor of `count` elements may exist.
    @inline(__always)
    func checkElements(_ count: Int) throws(TensorError) {
        if count > limits.maxElements { throw elementLimitError(count) }
    }

    @inline(never)
    private func elementLimitError(_ count: Int) -> TensorError {
        .limitExceeded("a tensor of \(count) elements exceeds the limit of \(limits.maxElements)")
    }

    /// Records `bytes` of new storage, or throws if that would pass the byte limit.
    @inline(__always)
    func reserve(bytes: Int) throws(TensorError) {
        let (total, overflow) = bytesHeld.addingReportingOverflow(bytes)
        if overflow || total > limits.maxBytes { throw byteLimitError() }
        bytesHeld = total
    }

    @inline(never)
    private func byteLimitError() -> TensorError {
        .limitExceeded("the program would hold more than \(limits.maxBytes) bytes of tensors")
    }

    func release(bytes: Int) { bytesHeld -= bytes }

    /// Notes a tensor whose history was set after it was made: a tensor written in place by a
    /// recorded op (or the base of a view so written), or a `.grad` with a graph. Only such a
    /// late link, from an older tensor to a newer node, can close a reference cycle, as the
    /// new node may hold the tensor: a saved input of an in-place op that is the written tensor
    /// or a view of it (`v.mul_(v)`), or a leaf's AccumulateGrad node in its gradient's graph.
    func noteLateHistory(_ tensor: Tensor) {
        guard !tensor.hasLateHistory else { return }   // once per tensor, however often written
        tensor.hasLateHistory = true
        lateHistories.append(WeakTensor(tensor: tensor))
    }

    /// Drops the histories noted by `noteLateHistory`, which breaks every reference cycle a
    /// program's graph can hold: without this, the tensors in such a cycle, and this context,
    /// are never freed. torch has the same cycles and warns of one ("Using backward() with
    /// create_graph=True will create a reference cycle between the parameter and its gradient
    /// which can cause a memory leak"); a server cannot leave them to its clients. Call it
    /// once the program's results have been read: tensors keep their values, not their
    /// `grad_fn`.
    public func releaseGraphs() {
        // every history taken before any is freed: a freed graph then stops at the tensors whose
        // histories are already held here, instead of setting off the next one in turn
        let histories = lateHistories.map { $0.tensor?.takeHistory() }
        lateHistories = []
        withExtendedLifetime(histories) {}
    }

    func takeSequenceNumber() -> Int {
        defer { nextSequenceNumber += 1 }
        return nextSequenceNumber
    }
}
