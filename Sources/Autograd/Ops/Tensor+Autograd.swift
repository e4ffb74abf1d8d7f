// The autograd API: backward, autograd.grad, requires_grad_, retain_grad, detach, .data.

private let toCopyRule = Derivatives.named("_to_copy")

extension Tensor {
    /// `x.requires_grad_(flag)`: only leaves can change the flag, and only floating tensors can
    /// require grad.
    public func requiresGrad_(_ flag: Bool = true) throws(TensorError) {
        guard isLeaf else {
            if flag { return }
            throw .evaluation("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        }
        if flag && !dtype.isFloatingPoint {
            throw .evaluation("only Tensors of floating point dtype can require gradients")
        }
        leafRequiresGrad = flag
    }

    /// `requires_grad=True` at creation: torch's wording differs from `requires_grad_()`'s.
    public func requireGradAtCreation() throws(TensorError) {
        guard dtype.isFloatingPoint else {
            throw .evaluation("Only Tensors of floating point and complex dtype can require gradients")
        }
        leafRequiresGrad = true
    }

    /// `x.retain_grad()`: a non-leaf keeps its gradient in `.grad`; a no-op on leaves.
    public func retainGrad() throws(TensorError) {
        guard requiresGrad else {
            throw .evaluation("can't retain_grad on Tensor that has requires_grad=False")
        }
        guard !isLeaf, !retainsGrad else { return }
        retainsGrad = true
        registerRetainGrad()
    }

    /// Registers this non-leaf with its `grad_fn`, which fills `.grad` when it runs.
    func registerRetainGrad() {
        guard let gradFn, !gradFn.retainedOutputs.contains(where: { $0.tensor.tensor === self }) else { return }
        gradFn.retainedOutputs.append((outputNr, WeakTensor(tensor: self)))
    }

    /// `x.grad = None`.
    public func zeroGrad() { grad = nil }

    /// `x.detach()`: the same storage and version counter, no history.
    public func detach() -> Tensor {
        let out = alias()
        out.viewBase = nil
        return out
    }

    /// `x.data`: the same storage with a version counter of its own, so in-place writes through
    /// it escape autograd's checks (as they do in torch).
    public var data: Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype,
               context: context, versionCounter: VersionCounter())
    }

    /// A copy with no history, laid out as torch's `clone()` lays it out (a dense tensor's own
    /// strides, else row-major): the stand-in for `self` an in-place op records its formula over.
    func detachedCopy() throws(TensorError) -> Tensor {
        let out = try emptyLike()   // torch's clone keeps a dense layout (MemoryFormat::Preserve)
        Kernels.copy(from: self, into: out)
        return out
    }

    /// `x.to(dtype)`, recorded: the gradient is cast back. Backward: ToCopyBackward0.
    public func cast(to dtype: DType) throws(TensorError) -> Tensor {
        if dtype == self.dtype { return self }
        if dtype.isFloatingPoint { try Derivative.checkInputs(self) }
        let out = try converted(to: dtype)
        if dtype.isFloatingPoint { try toCopyRule.record(self, output: out) }
        return out
    }

    /// torch's `at::sum_to`: sums a broadcast gradient back to `shape` (leading dimensions,
    /// then size-1 dimensions with keepdim), as the backward of broadcasting ops needs.
    public func sumTo(_ target: [Int]) throws(TensorError) -> Tensor {
        if shape == target { return self }
        if target.isEmpty { return try sum() }
        let lead = rank - target.count
        guard lead >= 0 else {
            throw .evaluation("sum_to: shape \(Shape.format(shape)) cannot be summed to \(Shape.format(target))")
        }
        var dims = Array(0..<lead)
        for i in lead..<rank where target[i - lead] == 1 && shape[i] != 1 { dims.append(i) }
        for i in lead..<rank where target[i - lead] != 1 && target[i - lead] != shape[i] {
            throw .evaluation("sum_to: shape \(Shape.format(shape)) cannot be summed to \(Shape.format(target))")
        }
        var out = self
        if !dims.isEmpty { out = try sum(dims: dims, keepDim: true) }
        return lead > 0 ? try out.view(target) : out
    }

    /// `x.backward(gradient, retain_graph, create_graph, inputs)`.
    ///
    /// Without a gradient the tensor must hold one element (the implicit seed is 1).
    /// `retainGraph` defaults to `createGraph`, as in torch.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool? = nil, createGraph: Bool = false,
                         inputs: [Tensor]? = nil) throws(TensorError) {
        if let inputs, inputs.isEmpty {
            throw .evaluation("'inputs' argument to backward() cannot be empty.")
        }
        let seed = try makeSeed(gradient, index: 0)
        guard let edge = try gradientEdge else {
            throw .evaluation("element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let walk = BackwardWalk(context: context, retainGraph: retainGraph ?? createGraph, createGraph: createGraph,
                                mode: inputs.map { .accumulateInto($0) } ?? .accumulateAll)
        _ = try walk.run(root: edge, seed: seed)
    }

    /// `torch.autograd.grad(self, inputs, grad_outputs, retain_graph, create_graph,
    /// allow_unused, materialize_grads)`: the gradients of this output with respect to `inputs`,
    /// leaving every `.grad` untouched. An unused input answers nil when `allowUnused`.
    public func gradients(with inputs: [Tensor], gradOutput: Tensor? = nil, retainGraph: Bool? = nil,
                          createGraph: Bool = false, allowUnused: Bool? = nil,
                          materializeGrads: Bool = false) throws(TensorError) -> [Tensor?] {
        guard !inputs.isEmpty else { throw .evaluation("grad requires non-empty inputs.") }
        let seed = try makeSeed(gradOutput, index: 0)
        guard let edge = try gradientEdge else {
            throw .evaluation("element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let allow = allowUnused ?? materializeGrads
        if materializeGrads && allowUnused == false {
            throw .evaluation("Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False.")
        }
        let walk = BackwardWalk(context: context, retainGraph: retainGraph ?? createGraph, createGraph: createGraph,
                                mode: .capture(inputs))
        var grads = try walk.run(root: edge, seed: seed)
        for (i, g) in grads.enumerated() where g == nil {
            if !allow {
                throw .evaluation("The differentiated Tensor at index \(i) appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
            }
            if materializeGrads { grads[i] = try Tensor.zeros(inputs[i].shape, dtype: inputs[i].dtype, context: context) }
        }
        return grads
    }

    /// torch's `_make_grads`: the implicit seed of a one-element output, or the given gradient
    /// checked against the output's shape.
    private func makeSeed(_ gradient: Tensor?, index: Int) throws(TensorError) -> Tensor {
        if let gradient {
            guard gradient.shape == shape else {
                throw .evaluation("Mismatch in shape: grad_output[\(index)] has a shape of \(Shape.torchSize(gradient.shape)) and output[\(index)] has a shape of \(Shape.torchSize(shape)).")
            }
            return gradient
        }
        guard requiresGrad else {
            throw .evaluation("element \(index) of tensors does not require grad and does not have a grad_fn")
        }
        guard count == 1 else { throw .evaluation("grad can be implicitly created only for scalar outputs") }
        guard dtype.isFloatingPoint else {
            throw .evaluation("grad can be implicitly created only for real scalar outputs but got \(dtype.cName)")
        }
        return try Tensor.full(shape, 1, dtype: dtype, context: context)
    }
}
