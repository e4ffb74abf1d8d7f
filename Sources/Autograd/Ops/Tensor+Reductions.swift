// Reductions: sum, mean, prod, max/min, amax/amin, var/std, norm, logsumexp, softmax,
// log_softmax, argmax/argmin, all/any.
//
// A `dims` of nil reduces every dimension and records the whole-tensor overload (SumBackward0);
// a list of dims (even empty, which torch also reads as "all") records the `dim` overload.

private let sumRule = Derivatives.named("sum")
private let sumDimRule = Derivatives.named("sum.dim_IntList")
private let meanRule = Derivatives.named("mean")
private let meanDimRule = Derivatives.named("mean.dim")
private let prodRule = Derivatives.named("prod")
private let prodDimRule = Derivatives.named("prod.dim_int")
private let maxRule = Derivatives.named("max")
private let maxDimRule = Derivatives.named("max.dim")
private let minRule = Derivatives.named("min")
private let minDimRule = Derivatives.named("min.dim")
private let amaxRule = Derivatives.named("amax")
private let aminRule = Derivatives.named("amin")
private let varRule = Derivatives.named("var.correction")
private let stdRule = Derivatives.named("std.correction")
private let normRule = Derivatives.named("linalg_vector_norm")
private let logsumexpRule = Derivatives.named("logsumexp")
private let softmaxRule = Derivatives.named("_softmax")
private let logSoftmaxRule = Derivatives.named("_log_softmax")

extension Tensor {
    /// `torch.sum(x)` or `torch.sum(x, dim, keepdim)`; integers and bools sum to int64.
    /// Backward: SumBackward0 (whole tensor) or SumBackward1 (`dim`).
    public func sum(dims: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let input = try dtype.map { (d) throws(TensorError) in try converted(to: d) } ?? self
        let out = try Kernels.reduce(.sum, input, dims: dims, keepDim: keepDim)
        if dims == nil {
            try sumRule.record(self, output: out)   // its rule reads the input's shape only
        } else {
            try recordReduction(sumDimRule, dims: dims, keepDim: keepDim, out)
        }
        return out
    }

    /// `torch.mean`; floating tensors only, as in torch. Backward: MeanBackward0 or MeanBackward1.
    public func mean(dims: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let input = try dtype.map { (d) throws(TensorError) in try converted(to: d) } ?? self
        guard input.dtype.isFloatingPoint else {
            throw .evaluation("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(input.dtype.scalarTypeName)")
        }
        let out = try Kernels.reduce(.sum, input, dims: dims, keepDim: keepDim)
        let reduced = out.count == 0 ? 1 : input.count / Swift.max(out.count, 1)
        Kernels.divideInPlace(out, by: input.count == 0 ? 0 : reduced)   // the sum is fresh: no second tensor
        if dims == nil {
            try meanRule.record(self, output: out)   // its rule reads the input's shape only
        } else {
            try recordReduction(meanDimRule, dims: dims, keepDim: keepDim, out)
        }
        return out
    }

    /// `torch.prod` over all elements or one dimension; zeros are handled exactly.
    /// Backward: ProdBackward0 or ProdBackward1.
    public func prod(dim: Int? = nil, keepDim: Bool = false, dtype: DType? = nil) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let input = try dtype.map { (d) throws(TensorError) in try converted(to: d) } ?? self
        let out = try Kernels.reduce(.prod, input, dims: dim.map { [$0] }, keepDim: keepDim)
        if let node = try recordReduction(dim == nil ? prodRule : prodDimRule, dims: dim.map { [$0] }, keepDim: keepDim, out) {
            node.save(self)
            node.saveResult(out)
        }
        return out
    }

    /// `torch.max(x)`: the largest element (NaN wins). Ties share the gradient evenly.
    /// Backward: MaxBackward1.
    public func max() throws(TensorError) -> Tensor { try extremum(max: true) }

    /// `torch.min(x)`: the smallest element. Backward: MinBackward1.
    public func min() throws(TensorError) -> Tensor { try extremum(max: false) }

    private func extremum(max: Bool) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.reduce(max ? .max : .min, self, dims: nil, keepDim: false)
        if let node = try (max ? maxRule : minRule).record(self, output: out) {
            node.save(self)
            node.saveResult(out)
        }
        return out
    }

    /// `torch.max(x, dim, keepdim)`: values and int64 indices; the gradient goes to the index
    /// chosen. Backward: MaxBackward0.
    public func max(dim: Int, keepDim: Bool = false) throws(TensorError) -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepDim: keepDim, max: true)
    }

    /// `torch.min(x, dim, keepdim)`. Backward: MinBackward0.
    public func min(dim: Int, keepDim: Bool = false) throws(TensorError) -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepDim: keepDim, max: false)
    }

    private func extremum(dim: Int, keepDim: Bool, max: Bool) throws(TensorError) -> (values: Tensor, indices: Tensor) {
        try Derivative.checkInputs(self)
        let (values, indices) = try Kernels.extremum(self, dim: dim, keepDim: keepDim, max: max)
        if let node = try (max ? maxDimRule : minDimRule).record(self, output: values) {
            node.save(indices)
            node.attributes.dims = [try Shape.wrap(dim, rank: rank)]
            node.attributes.keepDim = keepDim
        }
        return (values, indices)
    }

    /// `torch.amax(x, dim, keepdim)`: ties share the gradient evenly. Backward: AmaxBackward0.
    public func amax(dims: [Int] = [], keepDim: Bool = false) throws(TensorError) -> Tensor {
        try amaxAmin(dims: dims, keepDim: keepDim, max: true)
    }

    /// `torch.amin(x, dim, keepdim)`. Backward: AminBackward0.
    public func amin(dims: [Int] = [], keepDim: Bool = false) throws(TensorError) -> Tensor {
        try amaxAmin(dims: dims, keepDim: keepDim, max: false)
    }

    private func amaxAmin(dims: [Int], keepDim: Bool, max: Bool) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.reduce(max ? .max : .min, self, dims: dims, keepDim: keepDim, name: max ? "amax" : "amin")
        if let node = try recordReduction(max ? amaxRule : aminRule, dims: dims, keepDim: keepDim, out) {
            node.save(self)
            node.saveResult(out)
        }
        return out
    }

    /// `torch.var(x, dim, correction, keepdim)`. Backward: VarBackward0.
    public func variance(dims: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        try requireStdVarType()
        let out = try Kernels.variance(self, dims: dims, correction: correction, keepDim: keepDim)
        if let node = try recordReduction(varRule, dims: dims ?? [], keepDim: keepDim, out) {
            node.save(self)
            node.attributes.scalar = .double(correction)
        }
        return out
    }

    /// `torch.std(x, dim, correction, keepdim)`. Backward: StdBackward0.
    public func standardDeviation(dims: [Int]? = nil, correction: Double = 1, keepDim: Bool = false) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        try requireStdVarType()
        let out = try Kernels.variance(self, dims: dims, correction: correction, keepDim: keepDim, squareRoot: true)
        if let node = try recordReduction(stdRule, dims: dims ?? [], keepDim: keepDim, out) {
            node.save(self)
            node.saveResult(out)
            node.attributes.scalar = .double(correction)
        }
        return out
    }

    /// `torch.linalg.vector_norm(x, ord=p, dim, keepdim)`, which `torch.norm` calls for vector
    /// norms. Backward: LinalgVectorNormBackward0.
    public func norm(p: Double = 2, dims: [Int]? = nil, keepDim: Bool = false, dtype: DType? = nil) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let input = try dtype.map { (d) throws(TensorError) in try converted(to: d) } ?? self
        guard input.dtype.isFloatingPoint else {
            throw .evaluation("linalg.vector_norm: Expected a floating point or complex tensor as input. Got \(input.dtype.scalarTypeName)")
        }
        let out = try Kernels.norm(input, p: p, dims: dims, keepDim: keepDim)
        if let node = try recordReduction(normRule, dims: dims ?? [], keepDim: keepDim, out) {
            node.save(self)
            node.saveResult(out)
            node.attributes.scalar = .double(p)
        }
        return out
    }

    /// `torch.logsumexp(x, dim, keepdim)`, computed stably. Backward: LogsumexpBackward0.
    public func logsumexp(dims: [Int], keepDim: Bool = false) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        if dims.isEmpty && !keepDim && rank > 0 && count > 0 {
            // torch 2.15 reduces over every dim, then fails adding its kept-dims max back
            throw .evaluation("output with shape [] doesn't match the broadcast shape \(Shape.format([Int](repeating: 1, count: rank)))")
        }
        let input = dtype.isFloatingPoint ? self : try converted(to: context.defaultDType)
        let out = try Kernels.logsumexp(input, dims: dims, keepDim: keepDim)
        if let node = try recordReduction(logsumexpRule, dims: dims, keepDim: keepDim, out) {
            node.save(self)
            node.saveResult(out)
        }
        return out
    }

    /// `torch.softmax(x, dim)`. Backward: SoftmaxBackward0.
    public func softmax(dim: Int, dtype: DType? = nil) throws(TensorError) -> Tensor {
        try softmax(dim: dim, dtype: dtype, log: false)
    }

    /// `torch.log_softmax(x, dim)`, computed stably. Backward: LogSoftmaxBackward0.
    public func logSoftmax(dim: Int, dtype: DType? = nil) throws(TensorError) -> Tensor {
        try softmax(dim: dim, dtype: dtype, log: true)
    }

    private func softmax(dim: Int, dtype: DType?, log: Bool) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let target = dtype ?? (self.dtype.isFloatingPoint ? self.dtype : nil)
        if target == nil && count == 0 {   // torch dispatches no kernel for an empty tensor
            _ = try Shape.wrap(dim, rank: rank)
            return try Tensor.uninitialized(shape, self.dtype, context)
        }
        guard let target, target.isFloatingPoint else {
            // torch's kernel for the last dimension, or its general one
            let lastDim = try Shape.wrap(dim, rank: rank) == Swift.max(rank - 1, 0)
            throw .evaluation("\"\(log ? "log_softmax" : "softmax")_\(lastDim ? "lastdim_" : "")kernel_impl\" not implemented for '\(self.dtype.scalarTypeName)'")
        }
        let out = try Kernels.softmax(try converted(to: target), dim: dim, log: log)
        if let node = try (log ? logSoftmaxRule : softmaxRule).record(self, output: out) {
            node.saveResult(out)
            node.attributes.dims = [try Shape.wrap(dim, rank: rank)]
        }
        return out
    }

    /// `torch.argmax(x, dim, keepdim)`: int64 indices, never differentiable.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) throws(TensorError) -> Tensor {
        guard dtype != .bool else { throw .evaluation("argmax(): does not support bool input") }
        return try Kernels.argExtremum(self, dim: dim, keepDim: keepDim, max: true)
    }

    /// `torch.argmin(x, dim, keepdim)`.
    public func argmin(dim: Int? = nil, keepDim: Bool = false) throws(TensorError) -> Tensor {
        guard dtype != .bool else { throw .evaluation("argmin(): does not support bool input") }
        return try Kernels.argExtremum(self, dim: dim, keepDim: keepDim, max: false)
    }

    /// `torch.all(x, dim, keepdim)`: a bool tensor.
    public func all(dims: [Int]? = nil, keepDim: Bool = false) throws(TensorError) -> Tensor {
        // an empty dim list reduces nothing (unlike sum's, which reduces everything)
        if dims?.isEmpty == true { return try Kernels.compare(.ne, self, Scalar.int(0)) }
        return try Kernels.reduce(.all, self, dims: dims, keepDim: keepDim)
    }

    /// `torch.any(x, dim, keepdim)`: a bool tensor.
    public func any(dims: [Int]? = nil, keepDim: Bool = false) throws(TensorError) -> Tensor {
        if dims?.isEmpty == true { return try Kernels.compare(.ne, self, Scalar.int(0)) }
        return try Kernels.reduce(.any, self, dims: dims, keepDim: keepDim)
    }

    /// Records a reduction's node with its dims (wrapped) and `keepdim`.
    @discardableResult
    private func recordReduction(_ rule: Derivative, dims: [Int]?, keepDim: Bool, _ out: Tensor) throws(TensorError) -> Node? {
        guard let node = try rule.record(self, output: out) else { return nil }
        var wrapped = try Shape.wrap(dims ?? [], rank: rank)
        if wrapped.isEmpty { wrapped = Array(0..<rank) }
        node.attributes.dims = wrapped.sorted()
        node.attributes.keepDim = keepDim
        node.attributes.noDim = dims?.isEmpty ?? true
        return node
    }

    /// torch's std_var check: integer and bool inputs are not implemented.
    func requireStdVarType() throws(TensorError) {
        guard dtype.isFloatingPoint else {
            throw .evaluation("std and var only support floating point and complex dtypes")
        }
    }

    func requireFloating(_ op: String) throws(TensorError) {
        guard dtype.isFloatingPoint else {
            throw .evaluation("\(op)(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.scalarTypeName)")
        }
    }
}
