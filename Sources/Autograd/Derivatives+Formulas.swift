// The backward formulas too long for one row of `Derivatives.table` (torch keeps these in
// FunctionsManual.cpp). All are written with differentiable ops.

extension Tensor {
    /// `grad * alpha`, or `grad` itself when alpha is 1 (torch's `maybe_multiply`).
    func scaled(by alpha: Scalar) throws(TensorError) -> Tensor {
        alpha.doubleValue == 1 ? self : try mulScalar(alpha)
    }

    /// `zeros_like(self)`: a fresh zero tensor, outside the graph.
    func zerosLike() throws(TensorError) -> Tensor {
        try fullLike(0)
    }

    /// `~mask` for a bool tensor.
    func logicalNot() throws(TensorError) -> Tensor {
        try Kernels.compare(.eq, self, .bool(false))
    }

    /// `torch.erf`. Backward: ErfBackward0.
    public func erf() throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self)
        let out = try Kernels.unary(.erf, self)
        try Derivatives.named("erf").record(self, output: out)?.save(self)
        return out
    }
}

/// torch's `pow_backward`: `grad * (exponent * self ** (exponent - 1))`, zeros for exponent 0.
func powBackward(_ grad: Tensor, _ x: Tensor, _ exponent: Scalar) throws(TensorError) -> Tensor {
    if exponent.doubleValue == 0 { return try grad.zerosLike() }
    let lowered: Scalar = exponent.isFloatingPoint ? .double(exponent.doubleValue - 1) : .int(exponent.intValue - 1)
    return try grad.mul(try x.pow(lowered).mul(exponent))
}

/// torch's `pow_backward_self` for a tensor exponent.
func powBackwardSelf(_ grad: Tensor, _ x: Tensor, _ exponent: Tensor) throws(TensorError) -> Tensor {
    let zero = try Kernels.compare(.eq, exponent, 0)
    let value = try grad.mul(try exponent.mul(try x.pow(try exponent.sub(1))))
    return try Tensor.where(zero, try value.zeroScalar(), value)
}

/// torch's `pow_backward_exponent`: `grad * result * log(self)`, 0 where self is 0 and the
/// exponent non-negative.
func powBackwardExponent(_ grad: Tensor, _ x: Tensor, _ exponent: Tensor, _ result: Tensor) throws(TensorError) -> Tensor {
    let zeroBase = try Kernels.compare(.eq, x, 0)
    let nonNegative = try Kernels.compare(.ge, exponent, 0)
    let mask = try Kernels.binary(.mul, zeroBase, nonNegative)
    // torch takes the log of the base promoted to the result's dtype (`self.to(promoted_dtype)`)
    let value = try result.mul(try x.cast(to: result.dtype).log())
    return try grad.mul(try Tensor.where(mask, try value.zeroScalar(), value))
}

/// `pow_backward_exponent` for a number base: `grad * result * log(base)`.
func powBackwardExponent(_ grad: Tensor, base: Scalar, _ exponent: Tensor, _ result: Tensor) throws(TensorError) -> Tensor {
    if base.doubleValue == 0 {
        let nonNegative = try Kernels.compare(.ge, exponent, 0)
        return try grad.mul(try result.mul(.double(-.infinity)).maskedFill(nonNegative, 0))
    }
    return try grad.mul(try result.mul(.double(Double.log(base.doubleValue))))
}

/// maximum/minimum: the gradient goes to the winner, halves on ties, none to the loser
/// (`losing` is the comparison of self against other that makes this input lose).
func extremumBackward(_ grad: Tensor, _ a: Tensor, _ b: Tensor, losing: CompareOp) throws(TensorError) -> Tensor {
    let tie = try Kernels.compare(.eq, a, b)
    let halved = try Tensor.where(tie, try grad.div(2), grad)
    let out = try halved.maskedFill(try Kernels.compare(losing, a, b), 0)
    out.bumpVersion()   // torch fills its where() result in place (masked_fill_): version 1
    return out
}

/// gelu'(x): `Φ(x) + x φ(x)`, or the derivative of the tanh approximation
/// `0.5 x (1 + tanh(u))`, `u = √(2/π) (x + 0.044715 x³)`.
func geluDerivative(_ x: Tensor, tanh: Bool) throws(TensorError) -> Tensor {
    if tanh {
        let x2 = try x.mul(x)
        let t = try x.add(try x2.mul(x).mul(.double(geluKappa))).mul(.double(geluBeta)).tanh()
        let du = try x2.mul(.double(3 * geluKappa)).add(1).mul(.double(geluBeta))
        return try t.add(1).mul(0.5).add(try x.mul(0.5).mul(try t.mul(t).rsub(1).mul(du)))
    }
    let cdf = try x.mul(0.7071067811865476).erf().add(1).mul(0.5)
    return try cdf.add(try x.mul(try gaussian(x)))
}

/// gelu''(x) as torch's `gelu_double_backward` computes it, op by op (its roundings, and its
/// graph under create_graph): `2 pdf - x² pdf` with `pdf = kBeta exp(-0.5 x²)`, or for the tanh
/// approximation the product rule's terms over `f = 0.5 x`, `g = 1 - tanh²(u)` and `h = u'`.
func geluSecondDerivative(_ x: Tensor, tanh: Bool) throws(TensorError) -> Tensor {
    if !tanh {
        let x2 = try x.mul(x)
        let pdf = try x2.mul(-0.5).exp().mul(.double(0.3989422804014327))   // M_2_SQRTPI * M_SQRT1_2 * 0.5
        return try pdf.mul(.int(2)).sub(try x2.mul(pdf))
    }
    // the tanh approximation, as torch's gelu_double_backward writes it
    let beta = geluBeta, kappa = geluKappa
    let inner = try x.add(try x.pow(.int(3)).mul(.double(kappa))).mul(.double(beta))
    let tanhInner = try inner.tanh()
    let coshInner = try inner.cosh()
    let sechInner = try coshInner.fullLike(.int(1)).div(coshInner)   // C++'s 1 / t: fill_(1).div_(t)
    let f = try x.mul(0.5)
    let g = try tanhInner.mul(tanhInner).rsub(.int(1))
    let h = try x.mul(.double(3 * kappa)).mul(x).add(.int(1)).mul(.double(beta))
    let fPrimeGH = try g.mul(0.5).mul(h)
    let gPrime = try sechInner.mul(.int(2)).mul(try sechInner.neg().mul(tanhInner)).mul(h)
    let gPrimeFH = try f.mul(h).mul(gPrime)
    let hPrimeFG = try f.mul(g).mul(try x.mul(.double(6 * kappa)).mul(.double(beta)))
    // the left factor's derivative (f'gh) plus the right one's (f'gh + g'fh + h'fg), as torch sums them
    return try fPrimeGH.mul(.int(2)).add(gPrimeFH).add(hPrimeFG)
}

private let geluBeta = 0.7978845608028654, geluKappa = 0.044715   // √(2/π) (M_SQRT2 M_2_SQRTPI / 2)

/// The standard normal density φ(x).
private func gaussian(_ x: Tensor) throws(TensorError) -> Tensor {
    try x.mul(x).mul(-0.5).exp().mul(0.3989422804014327)
}

/// torch's `softplus_double_backward(grad, self, beta, threshold)`:
/// `sigmoid_backward(grad, s) * beta` with `s = sigmoid(beta x)`, 0 where `beta x >= threshold`.
func softplusDoubleBackward(_ grad: Tensor, _ x: Tensor, beta: Scalar, threshold: Scalar) throws(TensorError) -> Tensor {
    // torch: sigmoid_backward(grad, (x beta).sigmoid()) * (x beta < threshold).type_as(grad) * beta
    let scaled = try x.mul(beta)
    let curved = try grad.sigmoidBackward(output: try scaled.sigmoid())
    return try curved.mul(try Kernels.compare(.lt, scaled, threshold).converted(to: grad.dtype)).mul(beta)
}

/// torch's `softmax_double_backward(grad, grad_output, dim, output)`:
/// `grad_output * grad - (output * grad_output).sum(dim) * grad - grad_output * (output * grad).sum(dim)`.
func softmaxDoubleBackward(_ grad: Tensor, _ gradOutput: Tensor, dim: Int, _ output: Tensor) throws(TensorError) -> Tensor {
    let first = try gradOutput.mul(grad)
    let second = try output.mul(gradOutput).sum(dims: [dim], keepDim: true).mul(grad)
    let third = try gradOutput.mul(try output.mul(grad).sum(dims: [dim], keepDim: true))
    return try first.sub(second).sub(third)
}

/// clamp with number bounds (torch 2.15): the gradient passes strictly inside, `min < x < max`;
/// at a bound, or for NaN, it is 0.
func clampBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    let x = try c.saved(0)
    var inside: Tensor?
    if c.attributes.integers[0] == 1 { inside = try Kernels.compare(.gt, x, c.attributes.scalar) }
    if c.attributes.integers[1] == 1 {
        let below = try Kernels.compare(.lt, x, c.attributes.scalar2)
        inside = try inside.map { (i) throws(TensorError) in try Kernels.binary(.mul, i, below) } ?? below
    }
    return try Tensor.where(inside!, grad, try grad.zeroScalar())
}

/// clamp with tensor bounds (torch 2.15), elementwise: where `min > max` the result is `max` and
/// so is the gradient's; otherwise `self` takes it strictly inside, `min` below, `max` above, and
/// a tie with one bound splits it in halves (a tie with both, `min == max == self`, goes to self).
func clampTensorBackward(_ grad: Tensor, _ c: Node, input: Int) throws(TensorError) -> Tensor {
    let x = try c.saved(0)
    let hasMin = c.attributes.integers[0] == 1, hasMax = c.attributes.integers[1] == 1
    let lo = hasMin ? try c.saved(1) : nil
    let hi = hasMax ? try c.saved(hasMin ? 2 : 1) : nil
    let share: (Double, Double, Double) -> Double
    switch (input, lo, hi) {
    case (0, _?, _?):
        share = { x, l, h in l > h ? 0 : (l < x && x < h ? 1 : 0) + (x == l ? 0.5 : 0) + (x == h ? 0.5 : 0) }
    case (0, _?, nil): share = { x, l, _ in x > l ? 1 : x == l ? 0.5 : 0 }
    case (0, nil, _?): share = { x, _, h in x < h ? 1 : x == h ? 0.5 : 0 }
    case (1, _?, _?): share = { x, l, h in l > h ? 0 : (x < l ? 1 : 0) + (x == l && l < h ? 0.5 : 0) }
    case (1, _?, nil): share = { x, l, _ in x < l ? 1 : x == l ? 0.5 : 0 }
    case (_, _?, _?): share = { x, l, h in l > h ? 1 : (x > h ? 1 : 0) + (x == h && l < h ? 0.5 : 0) }
    default: share = { x, _, h in x > h ? 1 : x == h ? 0.5 : 0 }
    }
    let weights = try Tensor.uninitialized(grad.shape, .float64, grad.context)
    let bound = try (lo ?? hi!).converted(to: .float64)
    Loop.map(weights, try x.converted(to: .float64), try (lo ?? x).converted(to: .float64), try (hi ?? bound).converted(to: .float64)) {
        (x: Double, l: Double, h: Double) in share(x, l, h)
    }
    let out = try grad.mul(try weights.converted(to: grad.dtype))
    out.bumpVersion()   // torch's formula writes its result in place once: version 1
    return out
}

/// mean's `grad.expand(self.sizes()) / self.numel()`. Outside create_graph (nothing to record)
/// every element of that quotient is the same number: it is computed once, with the division
/// torch's kernel does for each element, and filled into the row-major tensor torch's division
/// of an expanded gradient returns; a 1 µs program saves a view and a broadcast kernel.
func meanBackward(_ grad: Tensor, _ shape: [Int]) throws(TensorError) -> Tensor {
    let count = Int64(Shape.product(shape))
    guard !grad.context.isGradEnabled, grad.count == 1, grad.dtype.isFloatingPoint else {
        return try grad.expand(shape).div(.int(count))
    }
    let out = try Tensor.uninitialized(shape, grad.dtype, grad.context)
    if grad.dtype == .float32 {
        Kernels.fill(out, with: .double(Double(grad.address.load(as: Float.self) / Float(Double(count)))))
    } else {
        Kernels.fill(out, with: .double(grad.address.load(as: Double.self) / Double(count)))
    }
    return out
}

/// torch's `sum_backward`: the reduced dims put back (unsqueeze unless keepdim), expanded.
func sumBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    try restoreReduced(grad, c).expand(c.inputShape(0))
}

/// How many elements a reduction over `dims` combines (torch's `_safe_size`: a 0-d input's
/// dim 0 counts as one element).
func reducedCount(_ shape: [Int], _ dims: [Int]) -> Int {
    shape.isEmpty ? 1 : Shape.product(dims.map { shape[$0] })
}

/// Puts the reduced dimensions back as size 1 (torch's `unsqueeze_multiple`).
func restoreReduced(_ t: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    guard !c.attributes.keepDim && !c.inputShape(0).isEmpty else { return t }
    var out = t
    for d in c.attributes.dims.sorted() { out = try out.unsqueeze(d) }
    return out
}

/// torch's `reversed_cumsum`: for each position, the sum of `w` from there to the end of `dim`.
func reversedCumsum(_ w: Tensor, dim: Int) throws(TensorError) -> Tensor {
    try w.flip(dim: dim).cumsum(dim: dim).flip(dim: dim)
}

/// torch's `cumsum_backward`.
func cumsumBackward(_ grad: Tensor, dim: Int) throws(TensorError) -> Tensor {
    if grad.count <= 1 || grad.shape[dim] == 1 { return grad }
    return try reversedCumsum(grad, dim: dim)
}

/// torch's `cumprod_backward`: without zeros, `reversed_cumsum(output * grad) / input`; with
/// zeros, outside create_graph torch's O(n) masks around each line's first zero
/// (`cumprodBackwardAroundZeros`), and under it torch's O(n²) formula of recorded ops (products
/// before k, running products after it), whose own derivatives are the higher orders.
func cumprodBackward(_ grad: Tensor, _ input: Tensor, dim: Int, output: Tensor) throws(TensorError) -> Tensor {
    if input.count <= 1 { return grad }
    let n = input.shape[dim]
    if n == 1 { return grad }
    let w = try output.mul(grad)
    if !input.containsZero() { return try reversedCumsum(w, dim: dim).div(input) }
    guard input.context.isGradEnabled else {
        return try cumprodBackwardAroundZeros(grad, input, dim: dim, output: output, w: w)
    }
    let context = input.context
    let gradInput = try Tensor.zeros(input.shape, dtype: grad.dtype, context: context)
    var onesShape = input.shape
    onesShape[dim] = 1
    let ones = try Tensor.ones([1], dtype: grad.dtype, context: context).expand(onesShape)
    for k in 0..<n {
        try context.checkDeadline()   // n steps of O(n) ops each: a long dim takes a while
        var omitted: Tensor
        if k == 0 {
            omitted = try Tensor.cat([ones, try input.slice(dim: dim, start: k + 1, end: nil).cumprod(dim: dim)], dim: dim)
        } else {
            let untilK = try input.slice(dim: dim, start: 0, end: k).prod(dim: dim, keepDim: true)
            if k == n - 1 {
                omitted = untilK
            } else {
                let fromKPlus1 = try input.slice(dim: dim, start: k + 1, end: nil).cumprod(dim: dim)
                omitted = try untilK.expand(fromKPlus1.shape).mul(fromKPlus1)
                omitted = try Tensor.cat([untilK, omitted], dim: dim)
            }
        }
        let slice = try grad.slice(dim: dim, start: k, end: nil).mul(omitted).sum(dims: [dim])
        try gradInput.select(dim: dim, index: k).copy_(slice)
    }
    return gradInput
}

/// The values of torch's mask path of `cumprod_backward`, op by op as torch computes them (so
/// rounded, and inf·0 giving NaN, where torch's are): before a line's first zero z1, the
/// reversed running sum of `w = output * grad` over [0, z1), divided by the input; at z1, the
/// running products over (z1, z2) (z2 the second zero) weighting the gradient over [z1, z2),
/// summed, times the output before z1; after z1, zero. torch's `max` indices, `gather` and
/// `masked_scatter_` are replaced by masks, a shifted output and `where`, which pick the same
/// values.
private func cumprodBackwardAroundZeros(_ grad: Tensor, _ input: Tensor, dim: Int, output: Tensor,
                                        w: Tensor) throws(TensorError) -> Tensor {
    let isZero = try Kernels.compare(.eq, input, .int(0))
    let zerosSoFar = try isZero.converted(to: .float64).cumsum(dim: dim)   // torch: is_zero.cumsum(dim)
    let beforeFirst = try Kernels.compare(.eq, zerosSoFar, .int(0))          // [0, z1)
    let upToSecond = try Kernels.compare(.eq, zerosSoFar, .int(1))           // [z1, z2)
    let first = try isZero.mul(upToSecond)                                   // z1
    let between = try upToSecond.mul(try first.logicalNot())                 // (z1, z2)
    let early = try reversedCumsum(try w.maskedFill(try beforeFirst.logicalNot(), 0), dim: dim).div(input)
    let products = try input.maskedFill(try between.logicalNot(), 1).cumprod(dim: dim)
        .mul(try grad.maskedFill(try upToSecond.logicalNot(), 0))
    let ones = try onesSlice(like: output, dim: dim, dtype: output.dtype)
    let outputBefore = try Tensor.cat([ones, try output.slice(dim: dim, start: 0, end: output.shape[dim] - 1)], dim: dim)
    let atFirst = try products.sum(dims: [dim], keepDim: true).mul(outputBefore)
    return try Tensor.where(first, atFirst, try Tensor.where(beforeFirst, early, try grad.zeroScalar()))
}

/// torch's `prod_safe_zeros_backward`: each element's gradient is the product of the others,
/// as the running product before it times the running product after it (exact with zeros).
func prodSafeZerosBackward(_ grad: Tensor, _ input: Tensor, dim: Int) throws(TensorError) -> Tensor {
    if input.count == 0 { return try grad.expand(input.shape) }
    if input.shape[dim] == 1 { return grad }   // nothing else to multiply
    let ones = try onesSlice(like: input, dim: dim, dtype: grad.dtype)
    let n = input.shape[dim]
    let before = try Tensor.cat([ones, try input.slice(dim: dim, start: 0, end: n - 1)], dim: dim).cumprod(dim: dim)
    let reversed = try input.slice(dim: dim, start: 1, end: n).flip(dim: dim)
    let after = try Tensor.cat([ones, reversed], dim: dim).cumprod(dim: dim).flip(dim: dim)
    return try grad.mul(try before.mul(after))
}

/// Ones of `t`'s shape with `dim` of size 1: what torch's formulas cat before a running product.
private func onesSlice(like t: Tensor, dim: Int, dtype: DType) throws(TensorError) -> Tensor {
    var shape = t.shape
    shape[dim] = 1
    return try Tensor.ones(shape, dtype: dtype, context: t.context)
}

/// torch's `prod_backward`: `grad * result / self` without zeros; with zeros,
/// `prod_safe_zeros_backward` (outside create_graph, zeros outright for a whole-tensor product
/// with two or more zeros).
func prodBackward(_ grad: Tensor, _ c: Node, dim: Int?) throws(TensorError) -> Tensor {
    let x = try c.saved(0)
    if x.rank == 0 { return grad }
    // a reduction of the whole tensor broadcasts its 0-d gradient; one along dim restores it
    let g = dim == nil ? grad : try restoreReduced(grad, c)
    let result = dim == nil ? try c.result() : try restoreReduced(try c.result(), c)
    if !x.containsZero() { return try g.mul(try result.div(x)) }
    guard let dim else {
        let zeros = try Kernels.compare(.eq, x, .int(0)).sum().item().intValue
        if !x.context.isGradEnabled && zeros > 1 {
            return try Tensor.zeros(x.shape, dtype: x.dtype, context: x.context)
        }
        return try prodSafeZerosBackward(grad, try x.contiguous().view([-1]), dim: 0).view(x.shape)
    }
    return try prodSafeZerosBackward(g, x, dim: dim)
}

/// torch's `evenly_distribute_backward`: max/min of all elements share the gradient evenly
/// among the elements equal to the result (NaN matches NaN).
func evenlyDistributeBackward(_ grad: Tensor, _ x: Tensor, _ result: Tensor) throws(TensorError) -> Tensor {
    let isNaN = try result.item().doubleValue.isNaN
    let mask = isNaN ? try Kernels.compare(.ne, x, x) : try Kernels.compare(.eq, x, result)
    let count = try mask.sum()
    let share = try grad.div(count)
    let out = try Tensor.where(mask, share, try grad.zeroScalar())
    out.bumpVersion()   // torch fills zeros_like(input) in place (masked_fill_): version 1
    return out
}

/// torch's `index_backward`: the gradient added into zeros at the indexed positions.
func indexBackward(_ grad: Tensor, _ plan: AdvancedIndex) throws(TensorError) -> Tensor {
    let out = try grad.indexPutIntoZeros(plan)
    out.bumpVersion()   // torch writes into zeros_like(self) in place (_index_put_impl_): version 1
    return out
}

/// torch's `value_selecting_reduction_backward`: the gradient goes to the selected index.
func selectingReductionBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    let d = c.attributes.dims[0]
    let shape = c.inputShape(0)
    var g = grad, indices = try c.saved(0)
    if !c.attributes.keepDim && !shape.isEmpty {
        g = try g.unsqueeze(d)
        indices = indices.rawUnsqueeze(d)
    }
    let out = try g.scatterIntoZeros(shape: shape, dim: d, index: indices)
    out.bumpVersion(by: 2)   // torch's zeros(sizes).scatter_(dim, indices, grad) leaves version 2
    return out
}

/// amax/amin: the gradient is shared evenly among the elements equal to the result.
func amaxBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    let x = try c.saved(0)
    // torch's restore_reduced_dims: a reshape to the kept shape
    // (for a 0-d input each dim adds a size-1 dimension, and the walk sums the extra away)
    let kept = c.attributes.keepDim ? grad.shape
        : x.rank == 0 ? c.attributes.dims.map { _ in 1 }
        : x.shape.indices.map { c.attributes.dims.contains($0) ? 1 : x.shape[$0] }
    let result = c.attributes.keepDim ? try c.result() : try c.result().reshape(kept)
    let mask = try Kernels.compare(.eq, x, result)
    let count = try mask.sum(dims: c.attributes.dims, keepDim: true)
    let share = try (c.attributes.keepDim ? grad : try grad.reshape(kept)).div(count)
    // torch's scale_grad_by_count: (grad / count) * mask, so a row of NaNs (count 0) gives NaN
    return try share.mul(try mask.converted(to: share.dtype))
}

/// torch's `var_backward`: `2 / (n - correction) * grad * (self - mean)`.
func varBackward(_ grad: Tensor, _ x: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    let dims = c.attributes.dims
    let n = reducedCount(x.shape, dims)
    let correction = c.attributes.scalar.doubleValue
    let whole = x.rank == 0 || c.attributes.noDim
    let g = whole || x.rank == 1 ? grad : try restoreReduced(grad, c)   // torch unsqueezes for rank > 1 only
    if whole && Double(n) - correction <= 0 {
        // torch: 2 / dof is infinite, times (self - mean): NaN where self equals the mean
        let equal = try Kernels.compare(.eq, x, try x.mean())
        // torch's where of two numbers: a tensor of the default dtype
        let nan = try Tensor.scalar(.double(.nan), dtype: g.context.defaultDType, context: g.context)
        let infinity = try Tensor.scalar(.double(.infinity), dtype: g.context.defaultDType, context: g.context)
        return try g.mul(try Tensor.where(equal, nan, infinity))
    }
    let centered = try x.sub(whole ? try x.mean() : try x.mean(dims: dims, keepDim: true))
    return try g.mul(.double(2 / (Double(n) - correction))).mul(centered)
}

/// torch's `std_backward`: `var_backward(grad / (2 * result))`, 0 where the result is 0.
func stdBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    let result = try c.result()
    let scaled = try grad.div(try result.mul(2)).maskedFill(try Kernels.compare(.eq, result, 0), 0)
    return try varBackward(scaled, try c.saved(0), c)
}

/// torch's `linalg_vector_norm_backward` for each order p; for p = 0 it is undefined (torch
/// answers an undefined tensor: no gradient reaches the input, whose `.grad` stays None).
func normBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> Tensor? {
    let p = c.attributes.scalar.doubleValue
    if p == 0 {   // torch unpacks self and result first: a freed graph is still its error
        try c.checkNotReleased()
        return nil
    }
    let x = try c.saved(0)
    let norm = c.attributes.noDim ? try c.result() : try restoreReduced(try c.result(), c)
    let g = c.attributes.noDim ? grad : try restoreReduced(grad, c)
    let zeroNorm = try Kernels.compare(.eq, norm, 0)
    switch p {
    case 1:
        return try x.sgn().mul(g)
    case 2:
        return try g.mul(try x.div(norm).maskedFill(zeroNorm, 0))
    case .infinity, -.infinity:
        // torch: sgn(x) * ((grad / count) * mask), the mask being |x| == norm or NaN
        let magnitude = try x.abs()
        let mask = try Kernels.binary(.add, try Kernels.compare(.eq, magnitude, norm), try Kernels.compare(.ne, magnitude, magnitude))
        let count = try mask.sum(dims: c.attributes.dims, keepDim: true)
        return try x.sgn().mul(try g.div(count).mul(try mask.converted(to: g.dtype)))
    // torch raises |x| to its power in place (`abs().pow_()`: its graph saves a clone of |x|)
    case ..<1:
        let powered = try x.abs()
        try powered.pow_(.double(p - 1))
        let scaledSelf = try x.sgn().mul(try powered.maskedFill(try Kernels.compare(.eq, x, 0), 0))
        return try scaledSelf.mul(g).mul(try norm.pow(.double(1 - p)))
    case ..<2:
        let powered = try x.abs()
        try powered.pow_(.double(p - 1))
        let scale = try g.div(try norm.pow(.double(p - 1))).maskedFill(zeroNorm, 0)
        return try x.sgn().mul(powered).mul(scale)
    default:
        let powered = try x.abs()
        try powered.pow_(.double(p - 2))
        let scale = try g.div(try norm.pow(.double(p - 1))).maskedFill(zeroNorm, 0)
        return try x.mul(powered).mul(scale)
    }
}

/// torch's `logsumexp_backward`: `grad * exp(self - result)`.
func logsumexpBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> Tensor {
    try restoreReduced(grad, c).mul(try c.saved(0).sub(try restoreReduced(try c.result(), c)).exp())
}

/// The inverse of a permutation.
func inversePermutation(_ dims: [Int]) -> [Int] {
    var inverse = [Int](repeating: 0, count: dims.count)
    for (i, d) in dims.enumerated() { inverse[d] = i }
    return inverse
}

/// torch's `unsqueeze_to`: puts back the size-1 dimensions a squeeze removed (`dims` nil: all).
func unsqueezeTo(_ grad: Tensor, _ shape: [Int], dims: [Int]?) throws(TensorError) -> Tensor {
    var out = grad
    for d in (dims ?? Array(shape.indices)).sorted() where d < shape.count && shape[d] == 1 {
        out = try out.unsqueeze(d)
    }
    return out
}

/// cat: each input's part of the gradient, by narrowing along the joined dimension.
func catBackward(_ grad: Tensor, _ c: Node) throws(TensorError) -> [Tensor?] {
    let d = c.attributes.dims[0]
    var offset = 0
    var grads: [Tensor?] = []
    for (i, size) in c.attributes.integers.enumerated() {
        guard size >= 0 else {
            // torch's `at::zeros({0})`, filled by zero_ inside the formula: version 1
            var zeros: Tensor?
            if c.needsGradient(i) {
                zeros = try Tensor.zeros([0], dtype: grad.dtype, context: grad.context)
                zeros?.bumpVersion()
            }
            grads.append(zeros)
            continue
        }
        grads.append(c.needsGradient(i) ? try grad.slice(dim: d, start: offset, end: offset + size) : nil)
        offset += size
    }
    return grads
}

/// split: the output gradients joined back (zeros for outputs that got none).
func splitBackward(_ grads: [Tensor?], _ c: Node) throws(TensorError) -> Tensor {
    let d = c.attributes.dims[0]
    let some = grads.compactMap({ $0 }).first!  // a joint rule runs only when a gradient arrived
    var parts: [Tensor] = []
    for (i, g) in grads.enumerated() {
        if let g { parts.append(g) } else { parts.append(try Tensor.zeros(c.outputs[i].shape, dtype: some.dtype, context: some.context)) }
    }
    return try Tensor.cat(parts, dim: d)
}

/// binary_cross_entropy's two formulas: the input's is binary_cross_entropy_backward, a node of
/// its own; the target's is `-grad * logit(self) * weight` (over numel for mean).
func bceBackward(_ grad: Tensor, _ c: Node, target: Bool) throws(TensorError) -> Tensor {
    let x = try c.saved(0), t = try c.saved(1)
    let reduction = Reduction(code: c.attributes.integers[0])
    let weight = c.attributes.integers[1] == 1 ? try c.saved(2) : nil
    guard target else { return try grad.binaryCrossEntropyBackward(x, t, weight: weight, reduction: reduction) }
    var out = try x.log().sub(try x.neg().log1p()).neg().mul(grad)
    if let weight { out = try out.mul(weight) }
    if reduction == .mean { out = try out.div(.int(Int64(x.count))) }
    // torch's binary_cross_entropy_target_backward writes its result in place: neg_, mul_ by the
    // gradient, mul_ by the weight, div_ for mean
    out.bumpVersion(by: 2 + (weight == nil ? 0 : 1) + (reduction == .mean ? 1 : 0))
    return out
}

/// binary_cross_entropy_backward's three formulas (torch's `binary_cross_entropy_double_backward`
/// family), for the gradient (input 0), the input (1) and the target (2).
func bceDoubleBackward(_ gg: Tensor, _ c: Node, input: Int) throws(TensorError) -> Tensor {
    let gradOutput = try c.saved(0), x = try c.saved(1), t = try c.saved(2)
    let weight = c.attributes.integers[1] == 1 ? try c.saved(3) : nil
    let reduction = Reduction(code: c.attributes.integers[0])
    let eps = 1e-12
    var out: Tensor
    switch input {
    case 0:   // binary_cross_entropy_double_backward_grad_output
        out = try x.sub(t).div(try x.add(.double(eps)).mul(try x.rsub(.int(1)).add(.double(eps)))).mul(gg)
        if let weight { out = try out.mul(weight) }
        switch reduction {
        case .none: return out
        case .sum: return try out.sum()
        case .mean: return try out.div(.int(Int64(x.count))).sum()   // torch divides, then sums
        }
    case 1:   // binary_cross_entropy_double_backward: (x² - 2xt + t) / ((x + eps)² (1 - x + eps)²)
        let numerator = try x.mul(x).sub(try x.mul(.int(2)).mul(t)).add(t)
        let denominator = try x.add(.double(eps)).pow(.int(2)).mul(try x.rsub(.int(1)).add(.double(eps)).pow(.int(2)))
        out = try numerator.div(denominator).mul(try gg.mul(gradOutput))
    default:  // binary_cross_entropy_double_backward_target: -gg grad_output / max((1 - x) x, eps)
        out = try gg.neg().mul(gradOutput)
        if let weight { out = try out.mul(weight) }
        let denominator = try x.rsub(.int(1)).mul(x)
        // torch clamps it in place under no_grad: the values change, the history stays
        try x.context.withGradMode(false) { () throws(TensorError) in try denominator.clamp_(min: .double(eps), max: nil) }
        out = try out.div(denominator)
        if reduction == .mean { out = try out.div(.int(Int64(x.count))) }
        return out
    }
    if let weight { out = try out.mul(weight) }
    if reduction == .mean { out = try out.div(.int(Int64(x.count))) }
    return out
}

/// binary_cross_entropy_with_logits's two formulas.
func bceWithLogitsBackward(_ grad: Tensor, _ c: Node, target: Bool) throws(TensorError) -> Tensor {
    let x = try c.saved(0), t = try c.saved(1)
    let reduction = Reduction(code: c.attributes.integers[0])
    let hasWeight = c.attributes.integers[1] == 1, hasPosWeight = c.attributes.integers[2] == 1
    let weight = hasWeight ? try c.saved(2) : nil
    let posWeight = hasPosWeight ? try c.saved(hasWeight ? 3 : 2) : nil
    // torch's formulas write their result in place (sub_, mul_, div_): count the writes, for
    // the version counter of the gradient they return
    let inPlace = !grad.context.isGradEnabled   // the input's formula goes out of place under create_graph
    var out: Tensor, writes: Int
    if target {
        if let posWeight {
            // log_sigmoid(-x) - pw * log_sigmoid(x), with log_sigmoid(z) = -softplus(-z)
            let logSigmoidNegative = try x.softplus().neg()
            let logSigmoid = try x.neg().softplus().neg()
            out = try logSigmoidNegative.sub(try logSigmoid.mul(posWeight)).mul(grad)
            writes = 2
        } else {
            out = try x.neg().mul(grad)
            writes = 0
        }
        if weight != nil { writes += 1 }
    } else {
        if let posWeight {
            let pt = try posWeight.mul(t)
            out = try pt.add(1).sub(t).mul(try x.sigmoid()).sub(pt).mul(grad)
            writes = inPlace ? 4 : 0
        } else {
            out = try x.sigmoid().sub(t).mul(grad)
            writes = inPlace ? 2 : 0
        }
        if weight != nil && inPlace { writes += 1 }
    }
    if let weight { out = try out.mul(weight) }
    if reduction == .mean {
        out = try out.divScalar(.int(Int64(x.count)))
        writes += 1
    }
    out.bumpVersion(by: writes)
    return out
}

/// torch's `mm_mat1_backward`: `grad.mm(mat2.t())`, or for a column-major `mat1` the same
/// product computed column-major, `mat2.mm(grad.t()).t()`.
func mmMat1Backward(_ grad: Tensor, _ mat1: Tensor, _ mat2: Tensor) throws(TensorError) -> Tensor {
    if isColumnMajor(mat1) { return try mat2.mm(try grad.t()).t() }
    return try grad.mm(try mat2.t())
}

/// torch's `mm_mat2_backward`: `mat1.t().mm(grad)`, or for a column-major `mat2`
/// `grad.t().mm(mat1).t()`.
func mmMat2Backward(_ grad: Tensor, _ mat1: Tensor, _ mat2: Tensor) throws(TensorError) -> Tensor {
    if isColumnMajor(mat2) { return try grad.t().mm(mat1).t() }
    return try mat1.t().mm(grad)
}

/// torch's test in those formulas: `strides[0] == 1 && strides[1] == sizes[0]`.
private func isColumnMajor(_ m: Tensor) -> Bool {
    m.strides[0] == 1 && m.strides[1] == m.shape[0]
}

/// nll_loss's weight, saved after its input and target when given.
func nllWeight(_ c: Node) throws(TensorError) -> Tensor? {
    c.attributes.integers[2] == 1 ? try c.saved(2) : nil
}
