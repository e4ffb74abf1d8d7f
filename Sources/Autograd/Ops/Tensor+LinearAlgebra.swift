// Linear algebra: mm, mv, dot, bmm, addmm, matmul (decomposed exactly as torch decomposes it,
// so that the graph holds the same nodes), outer, linear.

private let mmRule = Derivatives.named("mm")
private let mvRule = Derivatives.named("mv")
private let dotRule = Derivatives.named("dot")
private let bmmRule = Derivatives.named("bmm")
private let addmmRule = Derivatives.named("addmm")
private let squeezeInPlaceRule = Derivatives.named("squeeze_.dim")

extension Tensor {
    private func requireSameDType(_ other: Tensor, _ what: String) throws(TensorError) {
        guard dtype == other.dtype else {
            throw .evaluation("expected \(what) to have the same dtype, but got: \(dtype.cName) != \(other.dtype.cName)")
        }
    }

    /// `torch.mm`: the product of two matrices. Backward: MmBackward0.
    public func mm(_ other: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        guard rank == 2 else { throw .evaluation("mm: self must be a matrix, got \(rank)-D tensor") }
        guard other.rank == 2 else { throw .evaluation("mm: mat2 must be a matrix, got \(other.rank)-D tensor") }
        guard shape[1] == other.shape[0] else {
            throw .evaluation("mm: mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))")
        }
        try requireSameDType(other, "m1 and m2")
        let out = try Kernels.matmul(self, other, batch: 1, m: shape[0], k: shape[1], n: other.shape[1],
                                     outShape: [shape[0], other.shape[1]])
        try mmRule.record(self, other, output: out)?.saveCrossed(self, as: .`self`, other, as: .mat2)
        return out
    }

    /// `torch.mv`: a matrix times a vector. Backward: MvBackward0.
    public func mv(_ vector: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, vector)
        guard rank == 2 && vector.rank == 1 else {
            throw .evaluation("vector + matrix @ vector expected, got \(1), \(rank), \(vector.rank)")
        }
        guard shape[1] == vector.shape[0] else {
            throw .evaluation("size mismatch, got input (\(shape[0])), mat (\(shape[0])x\(shape[1])), vec (\(vector.shape[0]))")
        }
        guard dtype == vector.dtype else {
            let v = vector.dtype.scalarTypeName
            throw .evaluation("addmv input tensors must have the same dtype, but got \(v), \(dtype.scalarTypeName), and \(v)")
        }
        if dtype == .bool && count > 0 { throw .evaluation("\"addmv_impl_cpu\" not implemented for 'Bool'") }
        let out = try Kernels.matmul(self, vector, batch: 1, m: shape[0], k: shape[1], n: 1, outShape: [shape[0]])
        try mvRule.record(self, vector, output: out)?.saveCrossed(self, as: .`self`, vector, as: .vec)
        return out
    }

    /// `torch.dot`: the inner product of two vectors. Backward: DotBackward0.
    public func dot(_ other: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        guard rank == 1 && other.rank == 1 else {
            throw .evaluation("1D tensors expected, but got \(rank)D and \(other.rank)D tensors")
        }
        guard dtype == other.dtype else {
            throw .evaluation("dot : expected both vectors to have same dtype, but found \(dtype.scalarTypeName) and \(other.dtype.scalarTypeName)")
        }
        guard count == other.count else {
            throw .evaluation("inconsistent tensor size, expected tensor [\(count)] and src [\(other.count)] to have the same number of elements, but got \(count) and \(other.count) elements respectively")
        }
        if dtype == .bool { throw .evaluation("\"dot\" not implemented for 'Bool'") }
        let out = try Kernels.matmul(self, other, batch: 1, m: 1, k: count, n: 1, outShape: [])
        try dotRule.record(self, other, output: out)?.saveCrossed(self, as: .`self`, other, as: .tensor)
        return out
    }

    /// `torch.bmm`: batched matrix products of two 3-d tensors. Backward: BmmBackward0.
    public func bmm(_ other: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(self, other)
        guard rank == 3 else { throw .evaluation("batch1 must be a 3D tensor") }
        guard other.rank == 3 else { throw .evaluation("batch2 must be a 3D tensor") }
        guard other.shape[0] == shape[0] && other.shape[1] == shape[2] else {
            throw .evaluation("Expected size for first two dimensions of batch2 tensor to be: [\(shape[0]), \(shape[2])] but got: [\(other.shape[0]), \(other.shape[1])].")
        }
        // torch's bmm: the result takes batch2's dtype; an empty result or contraction is made
        // without looking at the dtypes, any other dispatches on batch1's (no Bool kernel), then
        // requires batch2's to match
        let outShape = [shape[0], shape[1], other.shape[2]]
        let out: Tensor
        if Shape.product(outShape) == 0 || shape[2] == 0 {
            out = try Tensor.zeros(outShape, dtype: other.dtype, context: context)
        } else {
            if dtype == .bool { throw .evaluation("\"bmm\" not implemented for 'Bool'") }
            guard dtype == other.dtype else {
                throw .evaluation("expected scalar type \(dtype.scalarTypeName) but found \(other.dtype.scalarTypeName)")
            }
            out = try Kernels.matmul(self, other, batch: shape[0], m: shape[1], k: shape[2], n: other.shape[2], outShape: outShape)
        }
        if !out.dtype.isFloatingPoint && context.isGradEnabled && (requiresGrad || other.requiresGrad) {
            throw .evaluation("Autograd not support dtype: \(out.dtype.scalarTypeName)")
        }
        try bmmRule.record(self, other, output: out)?.saveCrossed(self, as: .`self`, other, as: .mat2)
        return out
    }

    /// `torch.addmm(bias, self, other)`: `bias + self @ other`, `bias` broadcast.
    /// Backward: AddmmBackward0.
    public static func addmm(_ bias: Tensor, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        try Derivative.checkInputs(bias, a, b)
        guard bias.dtype == b.dtype else {
            throw .evaluation("self and mat2 must have the same dtype, but got \(bias.dtype.scalarTypeName) and \(b.dtype.scalarTypeName)")
        }
        guard a.dtype == b.dtype else {
            throw .evaluation("mat1 and mat2 must have the same dtype, but got \(a.dtype.scalarTypeName) and \(b.dtype.scalarTypeName)")
        }
        // torch 2.15's words: its mm shape checks named for addmm, mat1 called self
        guard a.rank == 2 else { throw .evaluation("addmm: self must be a matrix, got \(a.rank)-D tensor") }
        guard b.rank == 2 else { throw .evaluation("addmm: mat2 must be a matrix, got \(b.rank)-D tensor") }
        guard a.shape[1] == b.shape[0] else {
            throw .evaluation("addmm: mat1 and mat2 shapes cannot be multiplied (\(a.shape[0])x\(a.shape[1]) and \(b.shape[0])x\(b.shape[1]))")
        }
        _ = try bias.expandedGeometry([a.shape[0], b.shape[1]])   // torch's expand_size of the bias
        let product = try Kernels.matmul(a, b, batch: 1, m: a.shape[0], k: a.shape[1], n: b.shape[1],
                                         outShape: [a.shape[0], b.shape[1]])
        let out = try Kernels.binary(.add, product, bias)
        if let node = try addmmRule.record(bias, a, b, output: out) {   // each matrix for the other's formula
            node.save(a, as: .mat1, checked: node.needsGradient(2))
            node.save(b, as: .mat2, checked: node.needsGradient(1))
        }
        return out
    }

    /// `torch.matmul`, decomposed as torch decomposes it: dot, mv, mm, a fold of the batch
    /// into mm/mv where that avoids a copy, or an expanded bmm.
    public func matmul(_ other: Tensor) throws(TensorError) -> Tensor {
        let d1 = rank, d2 = other.rank
        guard d1 > 0 && d2 > 0 else {
            throw .evaluation("both arguments to matmul need to be at least 1D, but they are \(d1)D and \(d2)D")
        }
        switch (d1, d2) {
        case (1, 1): return try dot(other)
        case (2, 1): return try mv(other)
        case (1, 2): return try unsqueeze(0).mm(other).squeezeInPlace(0)
        case (2, 2): return try mm(other)
        default: break
        }
        // torch 2.15: of two 3-d operands, one with a single batch entry against several is
        // squeezed to a matrix (SqueezeBackward1) and the product folds, when that operand
        // requires grad (else both are expanded for bmm)
        if d1 == 3 && d2 == 3 {
            if shape[0] == 1 && other.shape[0] != 1 && requiresGrad { return try squeeze(dims: [0]).matmul(other) }
            if other.shape[0] == 1 && shape[0] != 1 && other.requiresGrad { return try matmul(try other.squeeze(dims: [0])) }
        }
        if shouldFold(other) { return try foldedMatmul(other) }
        return try batchedMatmul(other)
    }

    /// torch's `should_fold`: fold the larger operand's batch into rows when it is at least 3-d,
    /// the other at most 2-d, and folding needs no copy (or the smaller operand needs a gradient).
    private func shouldFold(_ other: Tensor) -> Bool {
        let firstLarger = rank >= other.rank
        let larger = firstLarger ? self : other, smaller = firstLarger ? other : self
        guard larger.rank >= 3 && smaller.rank <= 2 else { return false }
        if smaller.requiresGrad { return true }
        if rank == 2 { return false }
        if larger.count == 0 { return true }
        // The larger operand, transposed when it is the second, must fold without a copy: torch
        // 2.15 asks whether it can be viewed as rows (size-1 dimensions' strides do not matter)
        var shape = larger.shape, strides = larger.strides
        if !firstLarger {
            shape.swapAt(shape.count - 1, shape.count - 2)
            strides.swapAt(strides.count - 1, strides.count - 2)
        }
        return Self.viewStrides(shape, strides, [Shape.product(shape.dropLast()), shape[shape.count - 1]]) != nil
    }

    private func foldedMatmul(_ other: Tensor) throws(TensorError) -> Tensor {
        let transposed = other.rank > rank
        let t1 = transposed ? try other.transpose(-2, -1) : self
        let t2 = !transposed ? other : (rank == 2 ? try t() : self)
        var outputShape = Array(t1.shape.dropLast())
        let folded = Shape.product(outputShape)
        let matrix = t2.rank == 2
        if matrix { outputShape.append(t2.shape[1]) }
        let t1Folded = try t1.reshape([folded, t1.shape.last!])
        if matrix {
            let output = try t1Folded.mm(t2).unsafeView(outputShape)
            return transposed ? try output.transpose(-2, -1).contiguous() : output
        }
        return try t1Folded.mv(t2).unsafeView(outputShape)
    }

    private func batchedMatmul(_ other: Tensor) throws(TensorError) -> Tensor {
        let d1 = rank, d2 = other.rank
        let n = d1 > 1 ? shape[d1 - 2] : 1, m1 = shape[d1 - 1]
        let m2 = d2 > 1 ? other.shape[d2 - 2] : other.shape[0], p = d2 > 1 ? other.shape[d2 - 1] : 1
        let batchA = Array(shape.prefix(Swift.max(d1 - 2, 0)))
        let batchB = d2 > 1 ? Array(other.shape.prefix(d2 - 2)) : []
        var outputShape = try Shape.broadcast(batchA, batchB)   // torch broadcasts the batch first
        let batch = Shape.product(outputShape)
        if m1 != m2 {
            throw .evaluation("Expected size for first two dimensions of batch2 tensor to be: [\(batch), \(m1)] but got: [\(batch), \(m2)].")
        }
        let a = try expand(outputShape + [n, m1]).reshape([batch, n, m1])
        let vector = d2 == 1
        var b = try other.expand(outputShape + (vector ? [m2] : [m2, p]))
        b = vector ? try b.reshape([batch, m2]).unsqueeze(2) : try b.reshape([batch, m2, p])
        if d1 > 1 { outputShape.append(n) }
        if d2 > 1 { outputShape.append(p) }
        let product = try a.bmm(b)
        return try (vector ? try product.squeeze(dims: [-1]) : product).unsafeView(outputShape)
    }

    /// torch's `squeeze_(dim)` applied to a fresh result: recorded as SqueezeBackward4.
    func squeezeInPlace(_ dim: Int) throws(TensorError) -> Tensor {
        let d = try Shape.wrap(dim, rank: rank)
        guard shape[d] == 1 else { return self }
        var shape = self.shape, strides = self.strides
        shape.remove(at: d)
        strides.remove(at: d)
        let out = Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype, context: context)
        try squeezeInPlaceRule.record(self, output: out)?.attributes.dims = [d]
        return out
    }

    /// `torch.outer`: `self.reshape(-1, 1) * other`, as torch computes it.
    public func outer(_ other: Tensor) throws(TensorError) -> Tensor {
        guard rank == 1 else { throw .evaluation("outer: Expected 1-D argument self, but got \(rank)-D") }
        guard other.rank == 1 else { throw .evaluation("outer: Expected 1-D argument vec2, but got \(other.rank)-D") }
        return try reshape([count, 1]).mul(other)
    }

    /// `torch.nn.functional.linear(input, weight, bias)`: `input @ weight.T + bias`, through
    /// addmm where torch fuses it.
    public func linear(weight: Tensor, bias: Tensor?) throws(TensorError) -> Tensor {
        guard rank != 0 && weight.rank != 0 else {
            throw .evaluation("both arguments to linear need to be at least 1D, but they are \(rank)D and \(weight.rank)D")
        }
        if let bias {
            if rank == 2 { return try Tensor.addmm(bias, self, weight.t()) }
            // torch 2.15 folds the batch into one addmm for a contiguous input and a contiguous
            // bias that is one-dimensional or squeezes to one dimension (`[4]`, `[1]`, `[1, 4]`;
            // not `[]`, `[1, 1]`, `[2, 4]`)
            if isContiguous && bias.isContiguous && (bias.rank == 1 || bias.shape.count(where: { $0 != 1 }) == 1) {
                let folded = try reshape([Shape.product(shape.dropLast()), shape.last ?? 1])
                let result = try Tensor.addmm(bias, folded, weight.t())
                return try result.unsafeView(Array(shape.dropLast()) + [result.shape[1]])
            }
            return try matmul(weight.t()).add(bias)
        }
        return try matmul(weight.t())
    }
}

extension DType {
    /// The C type name torch prints in dtype-mismatch messages (`float != double`).
    var cName: String {
        switch self {
        case .bool: "bool"
        case .int64: "long int"
        case .float32: "float"
        case .float64: "double"
        }
    }
}
