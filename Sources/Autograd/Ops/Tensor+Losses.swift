import RealModule

// Losses, composed as torch composes them (cross_entropy is log_softmax and nll_loss plus the
// label-smoothing terms), so that graphs and grad_fn names match.

private let mseRule = Derivatives.named("mse_loss")
private let bceRule = Derivatives.named("binary_cross_entropy")
private let bceLogitsRule = Derivatives.named("binary_cross_entropy_with_logits")
private let nllRule = Derivatives.named("nll_loss")
private let nll2dRule = Derivatives.named("nll_loss2d")
private let mulScalarRule = Derivatives.named("mul.Scalar")
private let divScalarRule = Derivatives.named("div.Scalar")
private let maskedFillRule = Derivatives.named("masked_fill.Scalar")

/// torch's `reduction` argument of the losses.
public enum Reduction: String, Sendable {
    case none, mean, sum

    var code: Int {
        switch self {
        case .none: 0
        case .mean: 1
        case .sum: 2
        }
    }

    init(code: Int) { self = code == 0 ? .none : (code == 1 ? .mean : .sum) }
}

extension Tensor {
    /// torch refuses a weight that requires grad: its loss kernels have no derivative for it.
    private func requireConstant(_ weight: Tensor?, _ name: String, of function: String) throws(TensorError) {
        if let weight, weight.requiresGrad, context.isGradEnabled {
            throw .evaluation("The function '\(function)' is not differentiable with respect to argument '\(name)'. This input cannot have requires_grad True.")
        }
    }

    private func reduce(_ loss: Tensor, _ reduction: Reduction) throws(TensorError) -> Tensor {
        switch reduction {
        case .none: loss
        case .mean: try loss.mean()
        case .sum: try loss.sum()
        }
    }

    /// `F.mse_loss(input, target, reduction)`. Backward: MseLossBackward0.
    public func mseLoss(_ target: Tensor, reduction: Reduction = .mean) throws(TensorError) -> Tensor {
        let (input, target) = try Tensor.broadcastTensors(self, target)
        try Derivative.checkInputs(input, target)
        // one kernel over the promoted dtype, as torch's mse_cpu: floating only
        var types = ResultType()
        types.add(input)
        types.add(target)
        guard types.result.isFloatingPoint else {
            throw .evaluation("\"mse_cpu\" not implemented for '\(types.result.scalarTypeName)'")
        }
        let x = try input.converted(to: types.result), t = try target.converted(to: types.result)
        let out = try context.withGradMode(false) { () throws(TensorError) in
            try reduce(try x.sub(t).pow(2), reduction)
        }
        if let node = try mseRule.record(input, target, output: out) {
            node.save(input, target)   // torch saves them as given (an int64 target's version counts)
            node.attributes.integers = [reduction.code]
        }
        return out
    }

    /// `F.l1_loss(input, target, reduction)`: `abs(input - target)` reduced.
    public func l1Loss(_ target: Tensor, reduction: Reduction = .mean) throws(TensorError) -> Tensor {
        let (input, target) = try Tensor.broadcastTensors(self, target)
        return try reduce(try input.sub(target).abs(), reduction)
    }

    /// `torch.broadcast_tensors(a, b)`, as F.mse_loss and F.l1_loss call it: each tensor
    /// expanded to the common shape, or itself when it has that shape already.
    static func broadcastTensors(_ a: Tensor, _ b: Tensor) throws(TensorError) -> (Tensor, Tensor) {
        let shape = try Shape.broadcast(a.shape, b.shape)
        return (a.shape == shape ? a : try a.expand(shape), b.shape == shape ? b : try b.expand(shape))
    }

    /// `F.binary_cross_entropy(input, target, weight, reduction)`; logs are clamped at -100 as
    /// torch clamps them. Backward: BinaryCrossEntropyBackward0.
    public func binaryCrossEntropy(_ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws(TensorError) -> Tensor {
        guard target.shape == shape else {
            throw .evaluation("Using a target size (\(Shape.torchSize(target.shape))) that is different to the input size (\(Shape.torchSize(shape))) is deprecated. Please ensure they have the same size.")
        }
        // F.binary_cross_entropy expands the weight first: a view op, which collects its edge
        if let weight { try Derivative.checkInputs(weight) }
        try requireConstant(weight, "weight", of: "binary_cross_entropy")
        try Derivative.checkInputs(self, target)
        // the kernel's TensorIterator wants one dtype, then dispatches on it (floating only)
        guard target.dtype == dtype else {
            throw .evaluation("Found dtype \(target.dtype.scalarTypeName) but expected \(dtype.scalarTypeName)")
        }
        guard dtype.isFloatingPoint else {
            throw .evaluation("\"binary_cross_entropy\" not implemented for '\(dtype.scalarTypeName)'")
        }
        for (x, t) in zip(try checkedDoubles(), try target.checkedDoubles()) {   // torch checks each element's input, then its target
            guard x >= 0 && x <= 1 else { throw .evaluation("all elements of input should be between 0 and 1") }
            guard t >= 0 && t <= 1 else { throw .evaluation("all elements of target should be between 0 and 1") }
        }
        let loss = try Kernels.floatingMap(self, target) { (x: Double, t: Double) in
            -(t * Swift.max(Double.log(x), -100) + (1 - t) * Swift.max(Double.log(1 - x), -100))
        } float: { (x: Float, t: Float) in
            -(t * Swift.max(Float.log(x), -100) + (1 - t) * Swift.max(Float.log(1 - x), -100))
        }
        let out = try context.withGradMode(false) { () throws(TensorError) in
            try reduce(weight.map { (w) throws(TensorError) in try loss.mul(w) } ?? loss, reduction)
        }
        if let node = try bceRule.record(self, target, output: out) {
            node.save(self, target)
            if let weight { node.save(weight) }
            node.attributes.integers = [reduction.code, weight == nil ? 0 : 1]
        }
        return out
    }

    /// `F.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)`,
    /// computed stably. Backward: BinaryCrossEntropyWithLogitsBackward0.
    public func binaryCrossEntropyWithLogits(_ target: Tensor, weight: Tensor? = nil, posWeight: Tensor? = nil,
                                             reduction: Reduction = .mean) throws(TensorError) -> Tensor {
        guard target.shape == shape else {
            throw .evaluation("Target size (\(Shape.torchSize(target.shape))) must be the same as input size (\(Shape.torchSize(shape)))")
        }
        // torch's autograd layer first (the constant arguments, then the edges), then the kernel
        try requireConstant(weight, "weight", of: "binary_cross_entropy_with_logits")
        try requireConstant(posWeight, "pos_weight", of: "binary_cross_entropy_with_logits")
        try Derivative.checkInputs(self, target)
        guard dtype.isFloatingPoint else { throw .evaluation("\"log_sigmoid_cpu\" not implemented for '\(dtype.scalarTypeName)'") }
        // torch computes `(1 - target).mul_(input)`, its 1 a tensor of the target's dtype: a
        // bool target subtracts two bool tensors, an integer one cannot hold the product
        if target.dtype == .bool { try Kernels.checkSubtraction(.bool, .bool) }
        if target.dtype == .int64 { throw .evaluation("result type \(dtype.scalarTypeName) can't be cast to the desired output type Long") }
        let out = try context.withGradMode(false) { () throws(TensorError) in
            // (1 - t) x + (1 + (pw - 1) t) (log(1 + exp(-|x|)) + max(-x, 0))
            let softplusNegative = try abs().neg().exp().log1p().add(try neg().clamp(min: .int(0), max: nil))
            // torch writes into `1 - target` in place: the loss keeps the target's dtype, each
            // step rounded to it (a float64 input with a float32 target gives a float32 loss)
            let lossType = target.dtype
            let oneMinusT = try target.rsub(.int(1))
            var loss = try oneMinusT.mul(self).converted(to: lossType)
            if let posWeight {
                let coefficient = try posWeight.sub(.int(1)).mul(target).add(.int(1))
                loss = try loss.add(try coefficient.mul(softplusNegative)).converted(to: lossType)
            } else {
                loss = try loss.add(softplusNegative).converted(to: lossType)
            }
            if let weight { loss = try loss.mul(weight).converted(to: lossType) }
            return try reduce(loss, reduction)
        }
        if let node = try bceLogitsRule.record(self, target, output: out) {
            node.save(self, as: .`self`, target, as: .target)
            if let weight { node.save(weight, as: .weight) }
            if let posWeight { node.save(posWeight, as: .posWeight) }
            node.attributes.integers = [reduction.code, weight == nil ? 0 : 1, posWeight == nil ? 0 : 1]
        }
        return out
    }

    /// `F.nll_loss(input, target, weight, ignore_index, reduction)`: input `[N, C, ...]` or
    /// `[C]` of log-probabilities, target int64 class indices. As torch's `nll_loss_nd`: 1-d and
    /// 2-d inputs are NllLossBackward0, 4-d ones NllLoss2DBackward0, and the others are viewed
    /// as `[N, C, 1, -1]` for nll_loss2d (and the `none` losses viewed back).
    public func nllLoss(_ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                        reduction: Reduction = .mean) throws(TensorError) -> Tensor {
        // torch's nll_loss_nd checks, in its order
        guard rank >= 1 else { throw .evaluation("Expected 1 or more dimensions (got \(rank))") }
        if rank != 1 {
            let targetBatch = target.rank == 0 ? 0 : target.shape[0]   // torch reads a 0-d target's as 0
            guard shape[0] == targetBatch else {
                throw .evaluation("Expected input batch_size (\(shape[0])) to match target batch_size (\(targetBatch)).")
            }
        }
        switch rank {
        case 1, 2:
            try requireConstant(weight, "weight", of: "nll_loss_forward")
            try Derivative.checkInputs(self)
            let plan = try NLLPlan(input: self, target: target, weight: weight, ignoreIndex: ignoreIndex)
            return try recordNLL(nllRule, plan, target, weight, ignoreIndex, reduction)
        case 4:
            try requireConstant(weight, "weight", of: "nll_loss2d_forward")
            try Derivative.checkInputs(self)
            let plan = try NLLPlan(spatialInput: self, target: target, weight: weight, ignoreIndex: ignoreIndex)
            return try recordNLL(nll2dRule, plan, target, weight, ignoreIndex, reduction)
        default:
            let n = shape[0]
            guard target.rank >= 1, Array(target.shape.dropFirst()) == Array(shape.dropFirst(2)) else {
                throw .evaluation("Expected target size \(Shape.format([n] + Array(shape[2...]))), got \(Shape.format(target.shape))")
            }
            let input = try contiguous().view(count > 0 ? [n, shape[1], 1, -1] : [n, shape[1], 0, 0])
            let flatTarget = try target.contiguous().view(target.count > 0 ? [n, 1, -1] : [n, 0, 0])
            try requireConstant(weight, "weight", of: "nll_loss2d_forward")
            let flatPlan = try NLLPlan(spatialInput: input, target: flatTarget, weight: weight, ignoreIndex: ignoreIndex)
            let out = try input.recordNLL(nll2dRule, flatPlan, flatTarget, weight, ignoreIndex, reduction)
            return reduction == .none ? try out.view(target.shape) : out
        }
    }

    private func recordNLL(_ rule: Derivative, _ plan: NLLPlan, _ target: Tensor, _ weight: Tensor?,
                           _ ignoreIndex: Int, _ reduction: Reduction) throws(TensorError) -> Tensor {
        let out = try plan.forward(self, reduction: reduction)
        if let node = try rule.record(self, output: out) {
            node.save(self, target)
            if let weight { node.save(weight) }
            node.attributes.integers = [reduction.code, ignoreIndex, weight == nil ? 0 : 1]
            node.attributes.payload = plan
        }
        return out
    }

    /// `F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)` with
    /// class indices (int64) or class probabilities (a float target shaped like the input), in
    /// torch's order: a target shaped like the input is probabilities, else a positive
    /// `label_smoothing` takes the smoothing path, else it is nll_loss of log_softmax.
    public func crossEntropy(_ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                             reduction: Reduction = .mean, labelSmoothing: Double = 0) throws(TensorError) -> Tensor {
        let classDim = rank == 1 ? 0 : 1
        func checkSmoothing() throws(TensorError) {
            guard labelSmoothing <= 1 else {
                throw .evaluation("label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing.cppDescription)")
            }
        }
        if target.shape == shape {
            guard target.dtype.isFloatingPoint else {
                throw .evaluation("Expected floating point type for target with class probabilities, got \(target.dtype.scalarTypeName)")
            }
            guard ignoreIndex < 0 else { throw .evaluation("ignore_index is not supported for floating point target") }
            guard classDim < rank else {
                throw .evaluation("Dimension specified as \(classDim) but tensor has no dimensions")
            }
            let classes = shape[classDim]
            if let weight, weight.rank != 1 || weight.count != classes {
                throw .evaluation("cross_entropy: weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(Shape.format(weight.shape))")
            }
            let logProbabilities = try logSoftmax(dim: classDim)
            if labelSmoothing > 0 { try checkSmoothing() }
            let smoothed = labelSmoothing > 0
                ? try target.mul(.double(1 - labelSmoothing)).add(.double(labelSmoothing / Double(classes))) : target
            var product = try logProbabilities.mul(smoothed)
            if let weight { product = try product.mul(try weight.view(classShape(weight, classDim))) }
            switch reduction {
            case .mean where count == 0:
                // torch: -(input * target * weight).sum().fill_(NaN)
                let total = try product.sum()
                try total.fill_(.double(.nan))
                return try total.neg()
            case .mean: return try product.sum().neg().divScalar(.double(Double(count) / Double(classes)))
            case .sum: return try product.sum().neg()
            case .none: return try product.sum(dims: [classDim]).neg()
            }
        }
        guard labelSmoothing > 0 else {
            return try logSoftmax(dim: classDim).nllLoss(target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        }
        try checkSmoothing()
        let logProbabilities = try logSoftmax(dim: classDim)
        let nll = try logProbabilities.nllLoss(target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        let classes = logProbabilities.shape[classDim]
        let ignored = try Kernels.compare(.eq, target, .int(Int64(ignoreIndex)))
        var smooth = try weight.map { (w) throws(TensorError) in try logProbabilities.mul(try w.view(classShape(w, classDim))) } ?? logProbabilities
        smooth = try smooth.sum(dims: [classDim]).neg().maskedFill(ignored, 0)
        let ret: Tensor
        switch reduction {
        case .mean:
            if let weight {
                let kept = try Kernels.compare(.ne, target, .int(Int64(ignoreIndex))).checkedDoubles()
                let picked = try target.checkedDoubles().enumerated().compactMap { i, t in kept[i] != 0 ? t : nil }
                let w = try weight.checkedDoubles()
                let total = picked.reduce(0.0) { $0 + w[Int($1)] }
                ret = try smooth.sum().div(try Tensor.scalar(.double(total), dtype: dtype, context: context))
            } else {
                let kept = try Kernels.compare(.ne, target, .int(Int64(ignoreIndex)))
                ret = try smooth.sum().div(try kept.sum())
            }
        case .sum: ret = try smooth.sum()
        case .none: ret = smooth
        }
        return try nll.mulScalar(.double(1 - labelSmoothing)).add(try ret.mulScalar(.double(labelSmoothing / Double(classes))))
    }

    private func classShape(_ weight: Tensor, _ classDim: Int) -> [Int] {
        var s = [Int](repeating: 1, count: rank)
        s[classDim] = weight.count
        return s
    }

    /// ATen's `mul(Tensor, Scalar)`, which C++ composites call. Backward: MulBackward1.
    func mulScalar(_ s: Scalar) throws(TensorError) -> Tensor {
        let out = try Kernels.binary(.mul, self, s)
        try mulScalarRule.record(self, output: out)?.attributes.scalar = s
        return out
    }

    /// ATen's `div(Tensor, Scalar)`. Backward: DivBackward1.
    func divScalar(_ s: Scalar) throws(TensorError) -> Tensor {
        let out = try Kernels.binary(.div, self, s)
        try divScalarRule.record(self, output: out)?.attributes.scalar = s
        return out
    }

    /// `x.masked_fill(mask, value)`. Backward: MaskedFillBackward0.
    func maskedFill(_ mask: Tensor, _ value: Scalar) throws(TensorError) -> Tensor {
        let filler = try Tensor.scalar(value, dtype: dtype, context: context)
        let out = try Kernels.select(mask, filler, self)
        if let node = try maskedFillRule.record(self, output: out) { node.save(mask) }
        return out
    }
}

/// The shape bookkeeping of one nll_loss call: which class each sample picks and its weight.
final class NLLPlan {
    /// For each sample (flattened over batch and extra dims): the flat input offset of its
    /// picked class, or -1 when ignored.
    let picked: [Int]
    /// The weight of each sample's class (0 when ignored).
    let weights: [Double]
    /// The output shape for `reduction='none'`.
    let sampleShape: [Int]
    /// Sum of the weights of the samples not ignored (mean's divisor).
    let totalWeight: Double

    /// The plan of nll_loss proper (a 1-d or 2-d input), after torch's `nll_loss_forward` checks.
    convenience init(input: Tensor, target: Tensor, weight: Tensor?, ignoreIndex: Int) throws(TensorError) {
        guard input.rank >= 1 && input.rank <= 2 else { throw .evaluation("input tensor should be 1D or 2D") }
        guard target.rank <= 1 else { throw .evaluation("0D or 1D target tensor expected, multi-target not supported") }
        try NLLPlan.checkTargetType(target)
        if input.rank == 1 && target.rank == 1 && target.shape[0] != 1 {
            throw .evaluation("For 1D input, 1D target must have size 1, but got target size: \(target.shape[0])")
        }
        if input.rank == 2 && target.rank == 0 { throw .evaluation("Dimension specified as 0 but tensor has no dimensions") }
        let classes = input.shape[input.rank - 1]
        if let weight, weight.rank != 1 || weight.count != classes {
            throw .evaluation("weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(Shape.format(weight.shape))")
        }
        try NLLPlan.checkInputType(input, kernel: "nll_loss_out_frame")
        try NLLPlan.checkWeightType(weight, of: input)
        try self.init(checked: input, target: target, weight: weight, ignoreIndex: ignoreIndex)
    }

    /// The plan of nll_loss2d (a 4-d input `[N, C, H, W]`), after torch's checks.
    convenience init(spatialInput input: Tensor, target: Tensor, weight: Tensor?, ignoreIndex: Int) throws(TensorError) {
        guard target.rank == 3 else {
            throw .evaluation("only batches of spatial targets supported (3D tensors) but got targets of dimension: \(target.rank)")
        }
        try NLLPlan.checkTargetType(target)
        if let weight, weight.count != input.shape[1] {   // nll_loss2d checks only the count
            throw .evaluation("weight tensor should be defined either for all or no classes")
        }
        guard input.shape[0] == target.shape[0] && input.shape[2] == target.shape[1] && input.shape[3] == target.shape[2] else {
            throw .evaluation("size mismatch (got input: \(Shape.format(input.shape)) , target: \(Shape.format(target.shape))")
        }
        try NLLPlan.checkInputType(input, kernel: "nll_loss2d_forward_out_frame")
        try NLLPlan.checkWeightType(weight, of: input)
        try self.init(checked: input, target: target, weight: weight, ignoreIndex: ignoreIndex)
    }

    private static func checkTargetType(_ target: Tensor) throws(TensorError) {
        guard target.dtype == .int64 else {
            throw .evaluation("expected target dtype to be Long or Byte, but got \(target.dtype.scalarTypeName)")
        }
    }

    /// The kernel reads the weight as the input's element type (torch's `data_ptr<scalar_t>`).
    private static func checkWeightType(_ weight: Tensor?, of input: Tensor) throws(TensorError) {
        if let weight, weight.dtype != input.dtype {
            throw .evaluation("expected scalar type \(input.dtype.scalarTypeName) but found \(weight.dtype.scalarTypeName)")
        }
    }

    private static func checkInputType(_ input: Tensor, kernel: String) throws(TensorError) {
        guard input.dtype.isFloatingPoint else {
            throw .evaluation("\"\(kernel)\" not implemented for '\(input.dtype.scalarTypeName)'")
        }
    }

    private init(checked input: Tensor, target: Tensor, weight: Tensor?, ignoreIndex: Int) throws(TensorError) {
        let classDim = input.rank == 1 ? 0 : 1
        let classes = input.shape[classDim]
        let w = try weight.map { (w) throws(TensorError) in try w.checkedDoubles() }
        let flatTarget = try target.contiguousData()   // int64, checked by the callers
        let targets = UnsafeBufferPointer(start: flatTarget.pointer(Int64.self), count: target.count)
        let inner = input.rank > 2 ? Shape.product(input.shape[2...]) : 1
        var picked: [Int] = [], weights: [Double] = []
        picked.reserveCapacity(targets.count)
        for (s, t) in targets.enumerated() {
            let cls = Int(t)
            if cls == ignoreIndex {
                picked.append(-1)
                weights.append(0)
                continue
            }
            guard cls >= 0 && cls < classes else { throw .evaluation("Target \(cls) is out of bounds.") }
            let n = s / inner, rest = s % inner
            picked.append(input.rank == 1 ? cls : (n * classes + cls) * inner + rest)
            weights.append(w?[cls] ?? 1)
        }
        self.picked = picked
        self.weights = weights
        // torch's unbatched form (a 1-d input, a one-element 1-d target) answers a scalar
        self.sampleShape = input.rank == 1 ? [] : target.shape
        self.totalWeight = weights.reduce(0, +)
    }

    func forward(_ input: Tensor, reduction: Reduction) throws(TensorError) -> Tensor {
        let x = try input.checkedDoubles()
        var losses = [Double](repeating: 0, count: picked.count)
        for (s, p) in picked.enumerated() where p >= 0 { losses[s] = -x[p] * weights[s] }
        switch reduction {
        case .none: return try Tensor.make(losses, shape: sampleShape, dtype: input.dtype, context: input.context)
        case .sum: return try Tensor.make([losses.reduce(0, +)], shape: [], dtype: input.dtype, context: input.context)
        case .mean: return try Tensor.make([losses.reduce(0, +) / totalWeight], shape: [], dtype: input.dtype, context: input.context)
        }
    }

    /// The gradient of the loss: `-weight * grad` (divided by the total weight for mean) at
    /// each picked class, zeros elsewhere. Written with differentiable ops (index_put of the
    /// scaled gradient) so that second derivatives exist.
    func backward(_ grad: Tensor, inputShape: [Int], reduction: Reduction) throws(TensorError) -> Tensor {
        let context = grad.context
        let kept = picked.indices.filter { picked[$0] >= 0 }
        let count = Shape.product(inputShape)
        let scale = kept.map { -weights[$0] / (reduction == .mean ? totalWeight : 1) }
        let scales = try Tensor.make(scale, shape: [kept.count], dtype: grad.dtype, context: context)
        let perSample = reduction == .none
            ? try grad.reshape([picked.count]).advancedIndex([(0, try Tensor.make(kept.map { Int64($0) }, shape: [kept.count], context: context))])
            : try grad.expand([kept.count])
        let values = try perSample.mul(scales)
        let positions = try Tensor.make(kept.map { Int64(picked[$0]) }, shape: [kept.count], context: context)
        let plan = AdvancedIndex(indices: [positions], indexShape: [kept.count], inputShape: [count])
        return try values.indexPutIntoZeros(plan).reshape(inputShape)
    }
}
