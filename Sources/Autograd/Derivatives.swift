/// Every backward rule of the engine, in one table.
///
/// One row per op overload, as in PyTorch's `tools/autograd/derivatives.yaml`: the overload's
/// aten name, the `grad_fn` name torch gives its node, and one formula per differentiable input
/// (`self`, `other`, …, in the order of the node's `next_functions`), or one joint formula for
/// ops with several outputs or a variable number of inputs. Formulas use the engine's own
/// differentiable ops, so that under `create_graph` they record their own graph and higher-order
/// derivatives need no extra code.
///
/// A formula returns a gradient of the forward output's shape when the input was broadcast: the
/// backward walk sums it back to the input's shape (`sumTo`) and casts it to the input's dtype,
/// as torch's `validate_outputs` does.
///
/// `GET /v1/ops` and the gradient-check tests are generated from this table.
public enum Derivatives {
    public static let table: [Derivative] = [
        // MARK: Arithmetic

        // add.Tensor — self: grad; other: grad * alpha
        Derivative("add.Tensor", "AddBackward0",
                   { _, g in g },
                   { c, g in try g.scaled(by: c.attributes.scalar2) }),
        // sub.Tensor — self: grad; other: -grad * alpha
        Derivative("sub.Tensor", "SubBackward0",
                   { _, g in g },
                   { c, g in try g.neg().scaled(by: c.attributes.scalar2) }),
        // rsub.Tensor (other - alpha * self) — self: -grad * alpha; other: grad
        Derivative("rsub.Tensor", "RsubBackward0",
                   { c, g in try g.neg().scaled(by: c.attributes.scalar2) },
                   { _, g in g }),
        // rsub.Scalar (number - alpha * self) — self: -grad * alpha
        Derivative("rsub.Scalar", "RsubBackward1",
                   { c, g in try g.neg().scaled(by: c.attributes.scalar2) }),
        // mul.Tensor — self: grad * other; other: grad * self. A Python number is saved (as
        // torch saves its wrapped tensor), so a freed graph refuses it.
        Derivative("mul.Tensor", "MulBackward0",
                   { c, g in try c.savedTensors.isEmpty && !c.isReleased ? g.mul(wrapped: c.attributes.scalar) : g.mul(c.saved(1)) },
                   { c, g in try g.mul(c.saved(0)) }),
        // add.Scalar (a number added in a backward formula, C++'s `t + 2`) — self: grad
        Derivative("add.Scalar", "AddBackward1", { _, g in g }),
        // sub.Scalar (C++'s `t - 2`) — self: grad
        Derivative("sub.Scalar", "SubBackward1", { _, g in g }),
        // mul.Scalar — self: grad * other
        Derivative("mul.Scalar", "MulBackward1",
                   { c, g in try g.mulScalar(c.attributes.scalar) }),
        // div.Tensor — self: grad / other; other: -grad * ((self / other) / other)
        Derivative("div.Tensor", "DivBackward0",
                   { c, g in try c.savedTensors.isEmpty && !c.isReleased ? g.div(wrapped: c.attributes.scalar) : g.div(c.saved(1)) },
                   { c, g in try g.neg().mul(try c.saved(0).div(c.saved(1)).div(c.saved(1))) }),
        // div.Scalar — self: grad / other
        Derivative("div.Scalar", "DivBackward1",
                   { c, g in try g.divScalar(c.attributes.scalar) }),
        // div.Tensor_mode (rounded quotients) — self: zeros; other: zeros
        Derivative("div.Tensor_mode", "DivBackward2",
                   { c, g in try c.checkNotReleased(); return try g.zerosLike() },   // torch unpacks other, then answers zeros
                   { c, g in try c.checkNotReleased(); return try g.zerosLike() }),
        // pow.Tensor_Scalar — self: grad * (exponent * self ** (exponent - 1)), 0 for exponent 0
        Derivative("pow.Tensor_Scalar", "PowBackward0",
                   { c, g in try powBackward(g, c.saved(0), c.attributes.scalar) }),
        // pow.Tensor_Tensor — self: where(exponent == 0, 0, grad * exponent * self ** (exponent - 1));
        // exponent: grad * where(self == 0 & exponent >= 0, 0, result * log(self))
        Derivative("pow.Tensor_Tensor", "PowBackward1",
                   { c, g in try powBackwardSelf(g, c.saved(0), c.saved(1)) },
                   { c, g in try powBackwardExponent(g, c.saved(0), c.saved(1), c.result()) }),
        // pow.Scalar (number ** exponent) — exponent: grad * result * log(base)
        Derivative("pow.Scalar", "PowBackward2",
                   { c, g in try powBackwardExponent(g, base: c.attributes.scalar, c.saved(0), c.result()) }),
        // maximum — self: where(self == other, grad / 2, grad) masked where self < other; other mirrored
        Derivative("maximum", "MaximumBackward0",
                   { c, g in try extremumBackward(g, c.saved(0), c.saved(1), losing: .lt) },
                   { c, g in try extremumBackward(g, c.saved(0), c.saved(1), losing: .gt) }),
        // minimum — self: masked where self > other; other: masked where self < other
        Derivative("minimum", "MinimumBackward0",
                   { c, g in try extremumBackward(g, c.saved(0), c.saved(1), losing: .gt) },
                   { c, g in try extremumBackward(g, c.saved(0), c.saved(1), losing: .lt) }),

        // MARK: Pointwise

        // neg — self: -grad
        Derivative("neg", "NegBackward0", { _, g in try g.neg() }),
        // abs — self: grad * self.sgn()
        Derivative("abs", "AbsBackward0", { c, g in try g.mul(c.saved(0).sgn()) }),
        // sign — self: zeros
        Derivative("sign", "SignBackward0", { _, g in try g.zerosLike() }),
        // sgn (sign as torch's formulas call it) — self: sgn_backward(self, grad, result), zeros for real
        Derivative("sgn", "SgnBackward0", { _, g in try g.zerosLike() }),
        // reciprocal — self: -grad * (result * result)
        Derivative("reciprocal", "ReciprocalBackward0",
                   { c, g in try g.neg().mul(try c.result().mul(c.result())) }),
        // sqrt — self: grad / (2 * result)
        Derivative("sqrt", "SqrtBackward0", { c, g in try g.div(try c.result().mul(2)) }),
        // rsqrt — self: -0.5 * grad * result ** 3
        Derivative("rsqrt", "RsqrtBackward0", { c, g in try g.mul(-0.5).mul(try c.result().pow(3)) }),
        // exp — self: grad * result
        Derivative("exp", "ExpBackward0", { c, g in try g.mul(c.result()) }),
        // log — self: grad / self
        Derivative("log", "LogBackward0", { c, g in try g.div(c.saved(0)) }),
        // log1p — self: grad / (self + 1)
        Derivative("log1p", "Log1PBackward0", { c, g in try g.div(try c.saved(0).add(1)) }),
        // expm1 — self: grad * (result + 1)
        Derivative("expm1", "Expm1Backward0", { c, g in try g.mul(try c.result().add(1)) }),
        // sin — self: grad * self.cos()
        Derivative("sin", "SinBackward0", { c, g in try g.mul(try c.saved(0).cos()) }),
        // cos — self: grad * -self.sin()
        Derivative("cos", "CosBackward0", { c, g in try g.mul(try c.saved(0).sin().neg()) }),
        // tan — self: grad * (1 + result ** 2)
        Derivative("tan", "TanBackward0", { c, g in try g.mul(try c.result().pow(2).add(1)) }),
        // sinh — self: grad * self.cosh()
        Derivative("sinh", "SinhBackward0", { c, g in try g.mul(try c.saved(0).cosh()) }),
        // cosh — self: grad * self.sinh()
        Derivative("cosh", "CoshBackward0", { c, g in try g.mul(try c.saved(0).sinh()) }),
        // tanh — self: tanh_backward(grad, result)
        Derivative("tanh", "TanhBackward0", { c, g in try g.tanhBackward(output: c.result()) }),
        // sigmoid — self: sigmoid_backward(grad, result)
        Derivative("sigmoid", "SigmoidBackward0", { c, g in try g.sigmoidBackward(output: c.result()) }),
        // relu — self: threshold_backward(grad, result, 0)
        Derivative("relu", "ReluBackward0", { c, g in try g.thresholdBackward(result: c.result()) }),
        // erf — self: 2 / sqrt(pi) * exp(-self ** 2) * grad
        Derivative("erf", "ErfBackward0",
                   { c, g in try g.mul(try c.saved(0).pow(2).neg().exp().mul(1.1283791670955126)) }),
        // gelu — self: gelu_backward(grad, self, approximate)
        Derivative("gelu", "GeluBackward0", { c, g in try g.geluBackward(c.saved(0), tanh: c.attributes.scalar == .bool(true)) }),
        // softplus — self: softplus_backward(grad, self, beta, threshold)
        Derivative("softplus", "SoftplusBackward0",
                   { c, g in try g.softplusBackward(c.saved(0), beta: c.attributes.scalar, threshold: c.attributes.scalar2) }),
        // clamp — self: grad where min <= self <= max, else 0
        Derivative("clamp", "ClampBackward1", { c, g in try clampBackward(g, c) }),
        // clamp.Tensor — self: grad inside [min, max]; min: grad where self < min; max: where self > max
        Derivative("clamp.Tensor", "ClampBackward0",
                   { c, g in try clampTensorBackward(g, c, input: 0) },
                   { c, g in try clampTensorBackward(g, c, input: 1) },
                   { c, g in try clampTensorBackward(g, c, input: 2) }),
        // where.self — self: where(condition, grad, 0); other: where(condition, 0, grad)
        Derivative("where.self", "WhereBackward0",
                   { c, g in try Tensor.where(c.saved(0), g, try g.zeroScalar()) },
                   { c, g in try Tensor.where(c.saved(0), try g.zeroScalar(), g) }),
        // masked_fill.Scalar — self: grad.masked_fill(mask, 0)
        Derivative("masked_fill.Scalar", "MaskedFillBackward0", { c, g in try g.maskedFill(c.saved(0), 0) }),

        // MARK: Reductions

        // sum — self: grad.expand(self.sizes())
        Derivative("sum", "SumBackward0", { c, g in try g.expand(c.inputShape(0)) }),
        // sum.dim_IntList — self: sum_backward(grad, self.sizes(), dim, keepdim)
        Derivative("sum.dim_IntList", "SumBackward1", { c, g in try sumBackward(g, c) }),
        // mean — self: grad.expand(self.sizes()) / self.numel()
        Derivative("mean", "MeanBackward0",
                   { c, g in try meanBackward(g, c.inputShape(0)) }),
        // mean.dim — self: sum_backward(grad, sizes, dim, keepdim) / (elements reduced)
        Derivative("mean.dim", "MeanBackward1",
                   { c, g in try sumBackward(g, c).div(.int(Int64(reducedCount(c.inputShape(0), c.attributes.dims)))) }),
        // prod — self: prod_backward(grad, self, result): grad * result / self without zeros
        Derivative("prod", "ProdBackward0", { c, g in try prodBackward(g, c, dim: nil) }),
        // prod.dim_int — self: prod_backward(grad, self, result, dim, keepdim)
        Derivative("prod.dim_int", "ProdBackward1", { c, g in try prodBackward(g, c, dim: c.attributes.dims[0]) }),
        // max — self: evenly_distribute_backward(grad, self, result)
        Derivative("max", "MaxBackward1", { c, g in try evenlyDistributeBackward(g, c.saved(0), c.result()) }),
        // min — self: evenly_distribute_backward(grad, self, result)
        Derivative("min", "MinBackward1", { c, g in try evenlyDistributeBackward(g, c.saved(0), c.result()) }),
        // max.dim — self: value_selecting_reduction_backward(grad, dim, indices, sizes, keepdim)
        Derivative("max.dim", "MaxBackward0", { c, g in try selectingReductionBackward(g, c) }),
        // min.dim — self: value_selecting_reduction_backward(grad, dim, indices, sizes, keepdim)
        Derivative("min.dim", "MinBackward0", { c, g in try selectingReductionBackward(g, c) }),
        // amax — self: grad shared evenly among the elements equal to the result
        Derivative("amax", "AmaxBackward0", { c, g in try amaxBackward(g, c) }),
        // amin — self: grad shared evenly among the elements equal to the result
        Derivative("amin", "AminBackward0", { c, g in try amaxBackward(g, c) }),
        // var.correction — self: 2 / (n - correction) * grad * (self - self.mean(dim, true))
        Derivative("var.correction", "VarBackward0", { c, g in try varBackward(g, c.saved(0), c) }),
        // std.correction — self: var_backward(grad / (2 * result), …), 0 where result is 0
        Derivative("std.correction", "StdBackward0", { c, g in try stdBackward(g, c) }),
        // linalg_vector_norm — self: norm_backward(grad, self, ord, result, dim, keepdim),
        // undefined for ord 0 (a joint formula: the one that may answer no gradient)
        Derivative("linalg_vector_norm", "LinalgVectorNormBackward0", joint: { c, g in [try normBackward(g[0]!, c)] }),
        // logsumexp — self: grad * exp(self - result)
        Derivative("logsumexp", "LogsumexpBackward0", { c, g in try logsumexpBackward(g, c) }),
        // _softmax — self: _softmax_backward_data(grad, result, dim)
        Derivative("_softmax", "SoftmaxBackward0", { c, g in try g.softmaxBackwardData(output: c.result(), dim: c.attributes.dims[0]) }),
        // _log_softmax — self: _log_softmax_backward_data(grad, result, dim)
        Derivative("_log_softmax", "LogSoftmaxBackward0", { c, g in try g.logSoftmaxBackwardData(output: c.result(), dim: c.attributes.dims[0]) }),

        // cumsum — self: cumsum_backward(grad.to(self.scalar_type()), dim)
        Derivative("cumsum", "CumsumBackward0", { c, g in try cumsumBackward(g, dim: c.attributes.dims[0]) }),
        // cumprod — self: cumprod_backward(grad.to(self.scalar_type()), self, dim, result)
        Derivative("cumprod", "CumprodBackward0", { c, g in
            try cumprodBackward(g, c.saved(0), dim: c.attributes.dims[0], output: c.result())
        }),

        // MARK: Linear algebra

        // mm — self: mm_mat1_backward (grad.mm(mat2.t())); mat2: mm_mat2_backward (self.t().mm(grad))
        Derivative("mm", "MmBackward0",
                   { c, g in try mmMat1Backward(g, c.savedGeometry(0), c.saved(1)) },
                   { c, g in try mmMat2Backward(g, c.saved(0), c.savedGeometry(1)) }),
        // mv — self: grad.outer(vec); vec: self.t().mv(grad)
        Derivative("mv", "MvBackward0",
                   { c, g in try g.outer(c.saved(1)) },
                   { c, g in try c.saved(0).t().mv(g) }),
        // dot — self: grad * tensor; tensor: grad * self
        Derivative("dot", "DotBackward0",
                   { c, g in try g.mul(c.saved(1)) },
                   { c, g in try g.mul(c.saved(0)) }),
        // bmm — self: grad.bmm(mat2.transpose(1, 2)); mat2: self.transpose(1, 2).bmm(grad)
        Derivative("bmm", "BmmBackward0",
                   { c, g in try g.bmm(try c.saved(1).transpose(1, 2)) },
                   { c, g in try c.saved(0).transpose(1, 2).bmm(g) }),
        // addmm — self: grad; mat1: mm_mat1_backward; mat2: mm_mat2_backward (as mm's)
        Derivative("addmm", "AddmmBackward0",
                   { _, g in g },
                   { c, g in try mmMat1Backward(g, c.savedGeometry(0), c.saved(1)) },
                   { c, g in try mmMat2Backward(g, c.saved(0), c.savedGeometry(1)) }),

        // MARK: Views and copies

        // view — self: grad.reshape(self.sizes())
        Derivative("view", "ViewBackward0", { c, g in try g.reshape(c.inputShape(0)) }),
        // _unsafe_view — self: grad.reshape(self.sizes())
        Derivative("_unsafe_view", "UnsafeViewBackward0", { c, g in try g.reshape(c.inputShape(0)) }),
        // _reshape_alias (reshape of a strided tensor that needs no copy) — self: grad.reshape(self.sizes())
        Derivative("_reshape_alias", "ReshapeAliasBackward0", { c, g in try g.reshape(c.inputShape(0)) }),
        // expand — self: at::sum_to(grad, self.sizes())
        Derivative("expand", "ExpandBackward0", { c, g in try g.sumTo(c.inputShape(0)) }),
        // permute — self: grad.permute(inverse of dims)
        Derivative("permute", "PermuteBackward0", { c, g in try g.permute(inversePermutation(c.attributes.dims)) }),
        // flip — self: grad.flip(dims)
        Derivative("flip", "FlipBackward0", { c, g in try g.flip(dim: c.attributes.dims[0]) }),
        // t — self: grad.t()
        Derivative("t", "TBackward0", { _, g in try g.t() }),
        // transpose.int — self: grad.transpose(dim0, dim1)
        Derivative("transpose.int", "TransposeBackward0",
                   { c, g in try g.transpose(c.attributes.dims[0], c.attributes.dims[1]) }),
        // squeeze — self: unsqueeze_to(grad, self.sizes())
        Derivative("squeeze", "SqueezeBackward0", { c, g in try unsqueezeTo(g, c.inputShape(0), dims: nil) }),
        // squeeze.dim — self: unsqueeze_to(grad, dim, self.sizes())
        Derivative("squeeze.dim", "SqueezeBackward1", { c, g in try unsqueezeTo(g, c.inputShape(0), dims: c.attributes.dims) }),
        // squeeze.dims — self: unsqueeze_to(grad, dims, self.sizes())
        Derivative("squeeze.dims", "SqueezeBackward2", { c, g in try unsqueezeTo(g, c.inputShape(0), dims: c.attributes.dims) }),
        // squeeze_.dim — self: unsqueeze_to(grad, dim, self.sizes())
        Derivative("squeeze_.dim", "SqueezeBackward4", { c, g in try unsqueezeTo(g, c.inputShape(0), dims: c.attributes.dims) }),
        // unsqueeze — self: grad.squeeze(dim)
        Derivative("unsqueeze", "UnsqueezeBackward0", { c, g in try g.squeeze(dims: c.attributes.dims) }),
        // select.int — self: select_backward(grad, self.sizes(), dim, index)
        Derivative("select.int", "SelectBackward0", { c, g in
            try g.selectBackward(shape: c.inputShape(0), dim: c.attributes.dims[0], index: c.attributes.integers[0])
        }),
        // slice.Tensor — self: slice_backward(grad, self.sizes(), dim, start, end, step)
        Derivative("slice.Tensor", "SliceBackward0", { c, g in
            let i = c.attributes.integers
            return try g.sliceBackward(shape: c.inputShape(0), dim: c.attributes.dims[0], start: i[0], end: i[1], step: i[2])
        }),
        // select_backward — grad_output: grad.select(dim, index)
        Derivative("select_backward", "SelectBackwardBackward0",
                   { c, g in try g.select(dim: c.attributes.dims[0], index: c.attributes.integers[0]) }),
        // slice_backward — grad_output: grad.slice(dim, start, end, step)
        Derivative("slice_backward", "SliceBackwardBackward0", { c, g in
            let i = c.attributes.integers
            return try g.slice(dim: c.attributes.dims[0], start: i[0], end: i[1], step: i[2])
        }),
        // clone — self: grad
        Derivative("clone", "CloneBackward0", { _, g in g }),
        // _to_copy — self: grad, cast back to self's dtype by the walk
        Derivative("_to_copy", "ToCopyBackward0", { _, g in g }),
        // cat — tensors: grad.narrow(dim, offset, size) for each input
        Derivative("cat", "CatBackward0", joint: { c, grads in try catBackward(grads[0]!, c) }),
        // stack — tensors: grad.unbind(dim)
        Derivative("stack", "StackBackward0", joint: { c, grads in
            try c.edges.indices.map { (i) throws(TensorError) -> Tensor? in
                c.needsGradient(i) ? try grads[0]!.select(dim: c.attributes.dims[0], index: i) : nil
            }
        }),
        // split.Tensor — self: cat of the output gradients (zeros where none)
        Derivative("split.Tensor", "SplitBackward0", joint: { c, grads in [try splitBackward(grads, c)] }),
        // split_with_sizes — self: cat of the output gradients (zeros where none)
        Derivative("split_with_sizes", "SplitWithSizesBackward0", joint: { c, grads in [try splitBackward(grads, c)] }),
        // index.Tensor — self: index_put(zeros_like(self), indices, grad, accumulate=True)
        Derivative("index.Tensor", "IndexBackward0",
                   { c, g in try c.checkNotReleased(); return try indexBackward(g, c.attributes.payload as! AdvancedIndex) }),
        // _index_put_impl_ (into zeros, accumulating: index's backward) — values: grad[indices]
        Derivative("index_put", "IndexPutImplBackward0",
                   { c, g in try g.gatherIndexed(c.attributes.payload as! AdvancedIndex) }),
        // gather — self: scatter_add(zeros(self.sizes()), dim, index, grad)
        Derivative("gather", "GatherBackward0", { c, g in
            try g.scatterAddIntoZeros(shape: c.inputShape(0), dim: c.attributes.dims[0], index: c.saved(0))
        }),
        // scatter.src (into zeros) — src: grad.gather(dim, index)
        Derivative("scatter.src", "ScatterBackward0",
                   { _, g in try g.zerosLike() },
                   { c, g in try g.gather(dim: c.attributes.dims[0], index: c.saved(0)) }),
        // scatter_add (into zeros) — src: grad.gather(dim, index)
        Derivative("scatter_add", "ScatterAddBackward0",
                   { _, g in g },
                   { c, g in try g.gather(dim: c.attributes.dims[0], index: c.saved(0)) }),

        // MARK: In-place writes

        // zero_ — self: zeros_like(grad)
        Derivative("zero_", "ZeroBackward0", { _, g in try g.zerosLike() }),
        // fill_.Scalar — self: zeros_like(grad)
        Derivative("fill_.Scalar", "FillBackward2", { _, g in try g.zerosLike() }),
        // fill_.Tensor — self: zeros_like(grad); value: grad.sum()
        Derivative("fill_.Tensor", "FillBackward3",
                   { _, g in try g.zerosLike() },
                   { _, g in try g.sum() }),
        // copy_ — self: zeros_like(grad); src: grad (summed and cast back by the walk)
        Derivative("copy_", "CopyBackwards",
                   { _, g in try g.zerosLike() },
                   { _, g in g }),

        // MARK: Losses

        // mse_loss — self: mse_loss_backward(grad, self, target); target: mse_loss_backward(grad, target, self)
        Derivative("mse_loss", "MseLossBackward0",
                   { c, g in try g.mseLossBackward(c.saved(0), c.saved(1), reduction: Reduction(code: c.attributes.integers[0])) },
                   { c, g in try g.mseLossBackward(c.saved(1), c.saved(0), reduction: Reduction(code: c.attributes.integers[0])) }),
        // binary_cross_entropy — self: grad * (self - target) / max((1 - self) * self, 1e-12) * weight;
        // target: -grad * logit(self) * weight
        Derivative("binary_cross_entropy", "BinaryCrossEntropyBackward0",
                   { c, g in try bceBackward(g, c, target: false) },
                   { c, g in try bceBackward(g, c, target: true) }),
        // binary_cross_entropy_with_logits — self: grad * ((pw t + 1 - t) sigmoid(x) - pw t) * weight;
        // target: grad * (log_sigmoid(-x) - pw log_sigmoid(x)) * weight
        Derivative("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
                   { c, g in try bceWithLogitsBackward(g, c, target: false) },
                   { c, g in try bceWithLogitsBackward(g, c, target: true) }),
        // nll_loss — self: -weight[target] * grad at each picked class (/ total weight for mean)
        Derivative("nll_loss", "NllLossBackward0", { c, g in
            // torch's backward refuses the unbatched form with a 1-d target its forward accepts
            let input = try c.saved(0), target = try c.saved(1)
            if input.rank == 1 && target.rank == 1 && input.shape[0] != target.shape[0] {
                throw TensorError.evaluation("size mismatch (got input: \(Shape.format(input.shape)), target: \(Shape.format(target.shape)))")
            }
            return try g.nllLossBackward(input: input, target: target, weight: try nllWeight(c),
                                         c.attributes.payload as! NLLPlan, reduction: Reduction(code: c.attributes.integers[0]))
        }),
        // nll_loss2d (4-d inputs, and other ranks above 2 viewed as 4-d) — the same formula
        Derivative("nll_loss2d", "NllLoss2DBackward0", { c, g in
            try g.nllLossBackward(input: c.saved(0), target: c.saved(1), weight: try nllWeight(c),
                                  c.attributes.payload as! NLLPlan, reduction: Reduction(code: c.attributes.integers[0]))
        }),

        // MARK: Writes through views (Graph/ViewHistory.swift)

        // as_strided (a view's history regenerated after its base was written in place) —
        // self: the gradient placed into zeros shaped like the base
        Derivative("as_strided", "AsStridedBackward0", { c, g in try (c.attributes.payload as! ViewPlacement).scatter(g) }),
        // CopySlices (an in-place op through a view, recorded on the base) — base: the gradient
        // with the view's slice replaced by the op's gradient; the op's other inputs: its gradients
        Derivative("copy_slices", "CopySlices", joint: { c, grads in
            try (c.attributes.payload as! CopySlices).backward(c, grads[0]!)
        }),

        // MARK: Backward functions with derivatives of their own (Ops/Tensor+BackwardFunctions.swift);
        // each node saves the incoming gradient first (`grad_output`), then the function's inputs.

        // threshold_backward — grad_output: threshold_backward(grad, self, 0); self: zeros_like(grad)
        Derivative("threshold_backward", "ThresholdBackwardBackward0",
                   { c, g in try g.thresholdBackward(result: c.saved(1)) },
                   { _, g in try g.zerosLike() }),
        // tanh_backward — grad_output: tanh_backward(grad, output); output: grad * (-2 * output * grad_output)
        Derivative("tanh_backward", "TanhBackwardBackward0",
                   { c, g in try g.tanhBackward(output: c.saved(1)) },
                   { c, g in try g.mul(try c.saved(1).mul(.int(-2)).mul(c.saved(0))) }),
        // sigmoid_backward — grad_output: sigmoid_backward(grad, output); output: grad * grad_output * (1 - 2 output)
        Derivative("sigmoid_backward", "SigmoidBackwardBackward0",
                   { c, g in try g.sigmoidBackward(output: c.saved(1)) },
                   { c, g in try g.mul(c.saved(0)).mul(try c.saved(1).mul(.int(-2)).add(.int(1))) }),
        // gelu_backward — grad_output: gelu_backward(grad, self); self: grad * grad_output * gelu''(self)
        Derivative("gelu_backward", "GeluBackwardBackward0",
                   { c, g in try g.geluBackward(c.saved(1), tanh: c.attributes.scalar == .bool(true)) },
                   { c, g in try g.mul(c.saved(0)).mul(try geluSecondDerivative(c.saved(1), tanh: c.attributes.scalar == .bool(true))) }),
        // softplus_backward — grad_output: softplus_backward(grad, self); self: softplus_double_backward(grad * grad_output, self)
        Derivative("softplus_backward", "SoftplusBackwardBackward0",
                   { c, g in try g.softplusBackward(c.saved(1), beta: c.attributes.scalar, threshold: c.attributes.scalar2) },
                   { c, g in try softplusDoubleBackward(try g.mul(c.saved(0)), c.saved(1), beta: c.attributes.scalar, threshold: c.attributes.scalar2) }),
        // _softmax_backward_data — grad_output: _softmax_backward_data(grad, output, dim);
        // output: softmax_double_backward(grad, grad_output, dim, output)
        Derivative("_softmax_backward_data", "SoftmaxBackwardDataBackward0",
                   { c, g in try g.softmaxBackwardData(output: c.saved(1), dim: c.attributes.dims[0]) },
                   { c, g in try softmaxDoubleBackward(g, c.saved(0), dim: c.attributes.dims[0], c.saved(1)) }),
        // _log_softmax_backward_data — grad_output: grad - (grad * output.exp()).sum(dim, true);
        // output: -grad_output.sum(dim, true) * output.exp() * grad
        Derivative("_log_softmax_backward_data", "LogSoftmaxBackwardDataBackward0",
                   { c, g in try g.sub(try g.mul(try c.saved(1).exp()).sum(dims: c.attributes.dims, keepDim: true)) },
                   { c, g in try c.saved(0).sum(dims: c.attributes.dims, keepDim: true).neg().mul(try c.saved(1).exp()).mul(g) }),
        // mse_loss_backward — grad_output: mse_loss_backward(grad, self, target); self: 2 grad grad_output
        // (over numel for mean); target: the negative
        Derivative("mse_loss_backward", "MseLossBackwardBackward0",
                   { c, g in try g.mseLossBackward(c.saved(1), c.saved(2), reduction: Reduction(code: c.attributes.integers[0])) },
                   { c, g in try mseDoubleBackward(g.mul(c.saved(0)), c.saved(1), Reduction(code: c.attributes.integers[0])) },
                   { c, g in try mseDoubleBackward(g.mul(c.saved(0)), c.saved(2), Reduction(code: c.attributes.integers[0])).neg() }),
        // binary_cross_entropy_backward — grad_output, self, target: torch's
        // binary_cross_entropy_double_backward family
        Derivative("binary_cross_entropy_backward", "BinaryCrossEntropyBackwardBackward0",
                   { c, g in try bceDoubleBackward(g, c, input: 0) },
                   { c, g in try bceDoubleBackward(g, c, input: 1) },
                   { c, g in try bceDoubleBackward(g, c, input: 2) }),
        // nll_loss_backward — grad_output: nll_loss(grad, target, weight, reduction); self: zeros
        Derivative("nll_loss_backward", "NllLossBackwardBackward0",
                   { c, g in try (c.attributes.payload as! NLLPlan).forward(g, reduction: Reduction(code: c.attributes.integers[0])) },
                   { _, g in try g.zerosLike() }),
        // nll_loss2d_backward — the same as nll_loss_backward
        Derivative("nll_loss2d_backward", "NllLoss2DBackwardBackward0",
                   { c, g in try (c.attributes.payload as! NLLPlan).forward(g, reduction: Reduction(code: c.attributes.integers[0])) },
                   { _, g in try g.zerosLike() }),
    ]

    /// `AccumulateGrad`, the node of every leaf that requires grad.
    static let accumulateGrad = Derivative(accumulating: "AccumulateGrad")

    private static let byName: [String: Derivative] = Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0) })

    /// The row of an overload. Forward ops look their rows up once, at first use.
    static func named(_ name: String) -> Derivative {
        guard let row = byName[name] else { preconditionFailure("no derivative row named \(name)") }
        return row
    }
}
