import Autograd

/// Every op of the wire contract: its signature (inputs, attrs, result) as the static check
/// sees it, the derivative rows it records, and how it calls the engine. The op catalog
/// (`GET /v1/ops`) is generated from this list and the engine's derivative table.
enum WireOps {
    static let all: [WireOp] = creation + arithmetic + pointwise + reductions + linearAlgebra + shapes
        + comparisons + losses + values + autograd + inPlace

    static let byName: [String: WireOp] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    // MARK: Creation

    static let creation: [WireOp] = [
        // Built as the reference builds it: `torch.tensor(data, requires_grad=)`, or, with
        // b64 or an explicit shape, the elements reshaped (a view) then `requires_grad_()` —
        // which torch's messages tell apart (an in-place write into such a leaf is "a view of
        // a leaf Variable"; an integer dtype fails requires_grad_'s check).
        WireOp("tensor", 0...0, "data shape dtype requires_grad b64") { a in
            let dtype = try a.dtype()
            let shape = try a.sizes(from: 0, names: ["shape"])
            var t: Tensor
            if case .bytes(let bytes)? = a.attrs["b64"] {
                let type = dtype ?? a.context.defaultDType
                t = try bytes.withUnsafeBytes { raw in
                    try Tensor.make(bytes: raw, shape: [bytes.count / type.byteWidth], dtype: type, context: a.context)
                }
            } else {
                guard case .data(let literal)? = a.attrs["data"] else { throw ProgramError.invalid("'tensor' needs attrs.data") }
                let type = dtype ?? (literal.allBoolean ? .bool : a.context.defaultDType)
                t = try literal.tensor(type, a.context)
                if shape == nil { return try requiringGrad(t, a) }
            }
            if let shape { t = try t.reshape(shape) }
            if try a.bool("requires_grad") == true { try t.requiresGrad_() }
            return .tensor(t)
        },
        creator("ones") { shape, dtype, a in try Tensor.ones(shape, dtype: dtype, context: a.context) },
        creator("zeros") { shape, dtype, a in try Tensor.zeros(shape, dtype: dtype, context: a.context) },
        creator("empty") { shape, dtype, a in try Tensor.empty(shape, dtype: dtype, context: a.context) },
        creator("randn") { shape, dtype, a in try Tensor.randn(shape, dtype: dtype, context: a.context) },
        creator("rand") { shape, dtype, a in try Tensor.rand(shape, dtype: dtype, context: a.context) },
        WireOp("full", 0...1, "shape size fill_value dtype requires_grad") { a in
            guard let shape = try a.sizes(from: 1, names: ["shape", "size"]) else {
                throw ProgramError.invalid("a shape is required (attrs.shape or integer inputs)")
            }
            guard let fill = try a.number("fill_value", at: 0) else {
                throw a.typeError("missing required argument 'fill_value'")
            }
            let dtype = try a.dtype() ?? (fill == .bool(true) || fill == .bool(false) ? .bool : a.context.defaultDType)
            return try requiringGrad(try Tensor.full(shape, fill, dtype: dtype, context: a.context), a)
        },
        WireOp("arange", 0...3, "start end step dtype requires_grad") { a in
            let numbers = try a.inputs.indices.map { i -> Scalar in
                guard case .scalar(let s, _) = a.inputs[i] else { throw a.typeError("argument 'end' must be Number, not \(a.inputs[i].typeName)") }
                return s
            }
            var start: Scalar = 0, end: Scalar? = nil, step: Scalar = 1
            switch numbers.count {
            case 1: end = numbers[0]
            case 2: start = numbers[0]; end = numbers[1]
            case 3: start = numbers[0]; end = numbers[1]; step = numbers[2]
            default: break
            }
            if let s = try a.number("start") { start = s }
            if let e = try a.number("end") { end = e }
            if let s = try a.number("step") { step = s }
            guard let end else { throw a.typeError("missing required argument 'end'") }
            let t = try Tensor.arange(start: start, end: end, step: step, dtype: try a.dtype() ?? a.context.defaultDType, context: a.context)
            return try requiringGrad(t, a)
        },
        WireOp("linspace", 0...3, "start end steps dtype requires_grad") { a in
            guard let start = try a.number("start", at: 0), let end = try a.number("end", at: 1) else {
                throw a.typeError("missing required arguments 'start' and 'end'")
            }
            guard let steps = try a.int("steps", at: 2) else { throw a.typeError("missing required argument 'steps'") }
            let t = try Tensor.linspace(start: start.doubleValue, end: end.doubleValue, steps: steps,
                                        dtype: try a.dtype() ?? a.context.defaultDType, context: a.context)
            return try requiringGrad(t, a)
        },
        WireOp("eye", 0...2, "n m dtype requires_grad") { a in
            guard let n = try a.int("n", at: 0) else { throw a.typeError("missing required argument 'n'") }
            let t = try Tensor.eye(n, try a.int("m", at: 1), dtype: try a.dtype() ?? a.context.defaultDType, context: a.context)
            return try requiringGrad(t, a)
        },
        WireOp("ones_like", 1...1, "dtype requires_grad") { a in
            try requiringGrad(try a.tensor(0).fullLike(1, dtype: try a.dtype()), a)
        },
        WireOp("zeros_like", 1...1, "dtype requires_grad") { a in
            try requiringGrad(try a.tensor(0).fullLike(0, dtype: try a.dtype()), a)
        },
        WireOp("full_like", 1...2, "fill_value dtype requires_grad") { a in
            guard let fill = try a.number("fill_value", at: 1) else { throw a.typeError("missing required argument 'fill_value'") }
            return try requiringGrad(try a.tensor(0).fullLike(fill, dtype: try a.dtype()), a)
        },
        WireOp("randn_like", 1...1, "dtype requires_grad") { a in
            try requiringGrad(try a.tensor(0).randnLike(dtype: try a.dtype()), a)
        },
        WireOp("rand_like", 1...1, "dtype requires_grad") { a in
            try requiringGrad(try a.tensor(0).randLike(dtype: try a.dtype()), a)
        },
    ]

    /// A creation op taking its shape as integer inputs or `attrs.shape`/`size`.
    private static func creator(_ name: String, _ make: @escaping @Sendable ([Int], DType, Arguments) throws -> Tensor) -> WireOp {
        WireOp(name, 0...8, "shape size dtype requires_grad") { a in
            guard let shape = try a.sizes(from: 0, names: ["shape", "size"]) else {
                throw ProgramError.invalid("a shape is required (attrs.shape or integer inputs)")
            }
            return try requiringGrad(try make(shape, try a.dtype() ?? a.context.defaultDType, a), a)
        }
    }

    /// Applies `requires_grad=True` at creation, with torch's check on the dtype.
    private static func requiringGrad(_ t: Tensor, _ a: Arguments) throws -> Output {
        if try a.bool("requires_grad") == true { try t.requireGradAtCreation() }
        return .tensor(t)
    }

    // MARK: Arithmetic

    static let arithmetic: [WireOp] = [
        binary("add", "alpha", rules: ["add.Tensor"],
               tensor: { x, y, a in try x.add(y, alpha: try a.number("alpha") ?? 1) },
               scalar: { x, s, a in try x.add(s, alpha: try a.number("alpha") ?? 1) },
               reflected: { s, x in try x.add(s) },
               numberFirst: { s, x, a in try Tensor.add(s, x, alpha: try a.number("alpha") ?? 1) }),
        binary("sub", "alpha", rules: ["sub.Tensor", "rsub.Scalar"],
               tensor: { x, y, a in try x.sub(y, alpha: try a.number("alpha") ?? 1) },
               scalar: { x, s, a in try x.sub(s, alpha: try a.number("alpha") ?? 1) },
               reflected: { s, x in try x.rsub(s) },
               numberFirst: { s, x, a in try Tensor.sub(s, x, alpha: try a.number("alpha") ?? 1) }),
        binary("rsub", "alpha", rules: ["rsub.Tensor", "rsub.Scalar"],
               tensor: { x, y, a in try x.rsub(y, alpha: try a.number("alpha") ?? 1) },
               scalar: { x, s, a in try x.rsub(s, alpha: try a.number("alpha") ?? 1) },
               reflected: nil, twoNumbers: false),
        binary("mul", "", rules: ["mul.Tensor", "reciprocal"],
               tensor: { x, y, _ in try x.mul(y) },
               scalar: { x, s, _ in try x.mul(s) },
               reflected: { s, x in try x.mul(s) }),
        binary("div", "rounding_mode", rules: ["div.Tensor", "div.Tensor_mode", "reciprocal", "mul.Tensor"],
               tensor: { x, y, a in
                   if let mode = a.string("rounding_mode") { return try x.div(y, roundingMode: Tensor.RoundingMode(rawValue: mode)!) }
                   return try x.div(y)
               },
               scalar: { x, s, a in
                   if let mode = a.string("rounding_mode") { return try x.div(s, roundingMode: Tensor.RoundingMode(rawValue: mode)!) }
                   return try x.div(s)
               },
               reflected: { s, x in try x.rdiv(s) }),
        binary("pow", "", rules: ["pow.Tensor_Scalar", "pow.Tensor_Tensor", "pow.Scalar"],
               tensor: { x, y, _ in try x.pow(y) },
               scalar: { x, s, _ in try x.pow(s) },
               reflected: { s, x in try Tensor.pow(s, x) }, twoNumbers: false),
        WireOp("maximum", 2...2, rules: ["maximum"]) { a in .tensor(try a.tensor(0).maximum(try a.tensor(1, "other"))) },
        WireOp("minimum", 2...2, rules: ["minimum"]) { a in .tensor(try a.tensor(0).minimum(try a.tensor(1, "other"))) },
    ]

    /// A binary op in Python's three forms: tensor op tensor, tensor op number, and number op
    /// tensor (Python's reflected operator, without keyword arguments; with them, `numberFirst`:
    /// the function form, `torch.add(2, x, alpha=2)`); with `twoNumbers`, also number op number,
    /// as `torch.add(2, 3)` takes it.
    private static func binary(_ name: String, _ attrs: String, rules: [String],
                               tensor: @escaping @Sendable (Tensor, Tensor, Arguments) throws -> Tensor,
                               scalar: @escaping @Sendable (Tensor, Scalar, Arguments) throws -> Tensor,
                               reflected: (@Sendable (Scalar, Tensor) throws -> Tensor)?,
                               numberFirst: (@Sendable (Scalar, Tensor, Arguments) throws -> Tensor)? = nil,
                               twoNumbers: Bool = true) -> WireOp {
        WireOp(name, 2...2, attrs, rules: rules) { a in
            switch (a.inputs[0], a.inputs[1]) {
            case (.tensor(let x), .tensor(let y)): return .tensor(try tensor(x, y, a))
            case (.tensor(let x), .scalar(let s, _)): return .tensor(try scalar(x, s, a))
            case (.scalar(let s, _), .tensor(let x)) where reflected != nil && a.attrs.isEmpty:
                return .tensor(try reflected!(s, x))
            case (.scalar(let s, _), .tensor(let x)) where numberFirst != nil:
                return .tensor(try numberFirst!(s, x, a))   // torch.add(2, x, alpha=…)
            case (.scalar(let s, _), .scalar(let t, _)) where twoNumbers:
                // torch.add(2, 3): the first number becomes a 0-d tensor of its own type
                let x = try Tensor.full([], s, dtype: s.wrappedDType(defaultFloat: a.context.defaultDType), context: a.context)
                return .tensor(try scalar(x, t, a))
            default:
                _ = try a.tensor(0)
                throw a.typeError("argument 'other' (position 2) must be Tensor or Number, not \(a.inputs[1].typeName)")
            }
        }
    }

    // MARK: Pointwise

    static let pointwise: [WireOp] = [
        unary("neg", "neg") { try $0.neg() },
        unary("abs", "abs") { try $0.abs() },
        unary("reciprocal", "reciprocal") { try $0.reciprocal() },
        unary("square", "pow.Tensor_Scalar") { try $0.square() },
        unary("sqrt", "sqrt") { try $0.sqrt() },
        unary("rsqrt", "rsqrt") { try $0.rsqrt() },
        unary("exp", "exp") { try $0.exp() },
        unary("log", "log") { try $0.log() },
        unary("log1p", "log1p") { try $0.log1p() },
        unary("expm1", "expm1") { try $0.expm1() },
        unary("sin", "sin") { try $0.sin() },
        unary("cos", "cos") { try $0.cos() },
        unary("tan", "tan") { try $0.tan() },
        unary("tanh", "tanh") { try $0.tanh() },
        unary("sigmoid", "sigmoid") { try $0.sigmoid() },
        unary("relu", "relu") { try $0.relu() },
        WireOp("gelu", 1...1, "approximate", rules: ["gelu"]) { a in
            .tensor(try a.tensor(0).gelu(tanhApproximation: a.string("approximate") == "tanh"))
        },
        WireOp("softplus", 1...3, "beta threshold", rules: ["softplus"]) { a in
            .tensor(try a.tensor(0).softplus(beta: try a.number("beta", at: 1)?.doubleValue ?? 1,
                                             threshold: try a.number("threshold", at: 2)?.doubleValue ?? 20))
        },
        WireOp("clamp", 1...3, "min max", rules: ["clamp", "clamp.Tensor"]) { a in
            .tensor(try clamp(a) { x, lo, hi in try x.clamp(min: lo, max: hi) } tensors: { x, lo, hi in try x.clamp(min: lo, max: hi) })
        },
        WireOp("where", 3...3, rules: ["where.self"]) { a in
            let condition = try a.tensor(0, "condition")
            func operand(_ i: Int) throws -> Tensor {
                switch a.inputs[i] {
                case .tensor(let t): return t
                case .scalar(let s, _):
                    let dtype: DType
                    if case .tensor(let other) = a.inputs[3 - i] {
                        dtype = wrappedType(s, like: other, a)
                    } else {
                        dtype = s.wrappedDType(defaultFloat: a.context.defaultDType)
                    }
                    return try Tensor.full([], s, dtype: dtype, context: a.context)
                default: throw a.typeError("argument 'input' (position \(i + 1)) must be Tensor, not \(a.inputs[i].typeName)")
                }
            }
            return .tensor(try Tensor.where(condition, try operand(1), try operand(2)))
        },
    ]

    /// The dtype torch gives a Python number beside a tensor in `where`: the tensor's category
    /// decides (a float number beside a float tensor takes its dtype).
    private static func wrappedType(_ s: Scalar, like t: Tensor, _ a: Arguments) -> DType {
        switch s {
        case .double: t.dtype.isFloatingPoint ? t.dtype : a.context.defaultDType
        case .int: t.dtype == .bool ? .int64 : t.dtype
        case .bool: t.dtype
        }
    }

    private static func unary(_ name: String, _ rule: String, _ body: @escaping @Sendable (Tensor) throws -> Tensor) -> WireOp {
        WireOp(name, 1...1, rules: [rule]) { a in .tensor(try body(try a.tensor(0))) }
    }

    /// clamp's bounds come positionally or as attrs, each a number, null or a tensor value.
    private static func clamp(_ a: Arguments, numbers: (Tensor, Scalar?, Scalar?) throws -> Tensor,
                              tensors: (Tensor, Tensor?, Tensor?) throws -> Tensor) throws -> Tensor {
        let x = try a.tensor(0)
        let lo = try a.parameter("min", at: 1), hi = try a.parameter("max", at: 2)
        func number(_ r: Resolved?) -> Scalar?? {
            switch r {
            case nil, .null?, .bound(.none)?: return .some(nil)
            case .scalar(let s)?: return .some(s)
            default: return nil
            }
        }
        func tensor(_ r: Resolved?) throws -> Tensor? {
            switch r {
            case nil, .null?, .bound(.none)?: return nil
            case .scalar(let s)?: return try Tensor.full([], s, dtype: x.dtype, context: a.context)
            case .bound(.tensor(let t))?: return t
            default: throw a.typeError("argument 'min' must be Number or Tensor")
            }
        }
        if let l = number(lo), let h = number(hi) { return try numbers(x, l, h) }
        // torch has clamp(Tensor, Scalar?, Scalar?) and clamp(Tensor, Tensor?, Tensor?), no mix;
        // its argument parser takes a 0-d tensor that needs no gradient as a Number
        func asNumber(_ t: Tensor) throws -> Scalar? { t.rank == 0 && !t.requiresGrad ? try t.item() : nil }
        if case .scalar(let l)? = lo, case .bound(.tensor(let t))? = hi {
            guard let h = try asNumber(t) else { throw a.typeError(clampMix("Scalar", "Tensor")) }
            return try numbers(x, l, h)
        }
        if case .bound(.tensor(let t))? = lo, case .scalar(let h)? = hi {
            guard let l = try asNumber(t) else { throw a.typeError(clampMix("Tensor", "Scalar")) }
            return try numbers(x, l, h)
        }
        return try tensors(x, try tensor(lo), try tensor(hi))
    }

    private static func clampMix(_ min: String, _ max: String) -> String {
        "clamp() received an invalid combination of arguments - got (Tensor, min=\(min), max=\(max)), but expected one of: (Tensor input, Tensor min = None, Tensor max = None) or (Tensor input, Number min = None, Number max = None)"
    }

    // MARK: Reductions

    static let reductions: [WireOp] = [
        WireOp("sum", 1...2, "dim keepdim dtype", rules: ["sum", "sum.dim_IntList"]) { a in
            .tensor(try a.tensor(0).sum(dims: try dimsOrAll(a), keepDim: try a.bool("keepdim") ?? false, dtype: try a.dtype()))
        },
        WireOp("mean", 1...2, "dim keepdim dtype", rules: ["mean", "mean.dim"]) { a in
            .tensor(try a.tensor(0).mean(dims: try dimsOrAll(a), keepDim: try a.bool("keepdim") ?? false, dtype: try a.dtype()))
        },
        WireOp("prod", 1...2, "dim:int keepdim dtype", rules: ["prod", "prod.dim_int"]) { a in
            .tensor(try a.tensor(0).prod(dim: try a.int("dim", at: 1), keepDim: try a.bool("keepdim") ?? false, dtype: try a.dtype()))
        },
        extremum("max", rules: ["max", "max.dim", "maximum"], max: true),
        extremum("min", rules: ["min", "min.dim", "minimum"], max: false),
        WireOp("amax", 1...2, "dim keepdim", rules: ["amax"]) { a in
            .tensor(try a.tensor(0).amax(dims: try a.dims(at: 1) ?? [], keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("amin", 1...2, "dim keepdim", rules: ["amin"]) { a in
            .tensor(try a.tensor(0).amin(dims: try a.dims(at: 1) ?? [], keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("var", 1...2, "dim unbiased correction keepdim", rules: ["var.correction"]) { a in
            .tensor(try a.tensor(0).variance(dims: try a.dims(at: 1), correction: try correction(a), keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("std", 1...2, "dim unbiased correction keepdim", rules: ["std.correction"]) { a in
            .tensor(try a.tensor(0).standardDeviation(dims: try a.dims(at: 1), correction: try correction(a), keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("norm", 1...3, "p dim keepdim dtype", rules: ["linalg_vector_norm"]) { a in
            var p = 2.0
            switch try a.parameter("p", at: 1) {
            case .scalar(let s)?: p = s.doubleValue
            case .string("fro")?, nil, .null?: p = 2
            case .string("nuc")?: throw ProgramError(.evaluationError, "the nuclear norm is not supported by this service")
            default: throw a.typeError("argument 'p' must be a number or a norm name")
            }
            return .tensor(try a.tensor(0).norm(p: p, dims: try a.dims(at: 2), keepDim: try a.bool("keepdim") ?? false, dtype: try a.dtype()))
        },
        WireOp("logsumexp", 1...2, "dim keepdim", rules: ["logsumexp"]) { a in
            guard let dims = try a.dims(at: 1) else { throw a.typeError("missing 1 required positional arguments: \"dim\"") }
            return .tensor(try a.tensor(0).logsumexp(dims: dims, keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("softmax", 1...2, "dim:int dtype", rules: ["_softmax"]) { a in
            guard let dim = try a.int("dim", at: 1) else { throw a.typeError("received an invalid combination of arguments - got (Tensor), but expected (Tensor input, int dim, torch.dtype dtype = None)") }
            return .tensor(try a.tensor(0).softmax(dim: dim, dtype: try a.dtype()))
        },
        WireOp("log_softmax", 1...2, "dim:int dtype", rules: ["_log_softmax"]) { a in
            guard let dim = try a.int("dim", at: 1) else { throw a.typeError("received an invalid combination of arguments - got (Tensor), but expected (Tensor input, int dim, torch.dtype dtype = None)") }
            return .tensor(try a.tensor(0).logSoftmax(dim: dim, dtype: try a.dtype()))
        },
        WireOp("argmax", 1...2, "dim:optint keepdim") { a in
            .tensor(try a.tensor(0).argmax(dim: try a.int("dim", at: 1), keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("argmin", 1...2, "dim:optint keepdim") { a in
            .tensor(try a.tensor(0).argmin(dim: try a.int("dim", at: 1), keepDim: try a.bool("keepdim") ?? false))
        },
    ]

    /// `dim` absent reduces everything through the whole-tensor overload; `dim` given (even
    /// null or empty) through the `dim` overload, reducing everything when null or empty.
    private static func dimsOrAll(_ a: Arguments) throws -> [Int]? {
        if a.inputs.count < 2 && a.attrs["dim"] == nil { return nil }
        return try a.dims(at: 1) ?? []
    }

    /// var/std take `correction`, or the legacy `unbiased`, not both.
    private static func correction(_ a: Arguments) throws -> Double {
        let unbiased = try a.bool("unbiased"), correction = try a.number("correction")
        if unbiased != nil && correction != nil {
            throw a.typeError("received an invalid combination of arguments - got (Tensor, correction=int, unbiased=bool)")
        }
        if let correction { return correction.doubleValue }
        return unbiased == false ? 0 : 1
    }

    /// max/min: of all elements, along `dim` (values and indices), or elementwise against a
    /// second tensor.
    private static func extremum(_ name: String, rules: [String], max: Bool) -> WireOp {
        WireOp(name, 1...3, "dim:int keepdim", result: .maybe, rules: rules) { a in
            let x = try a.tensor(0)
            if a.inputs.count > 1, case .tensor(let other) = a.inputs[1] {
                return .tensor(max ? try x.maximum(other) : try x.minimum(other))
            }
            guard let dim = try a.int("dim", at: 1) else {
                if try a.bool("keepdim", at: 2) != nil { throw a.typeError("received an invalid combination of arguments - got (Tensor, keepdim=bool)") }
                return .tensor(max ? try x.max() : try x.min())
            }
            let keepDim = try a.bool("keepdim", at: 2) ?? false
            let (values, indices) = max ? try x.max(dim: dim, keepDim: keepDim) : try x.min(dim: dim, keepDim: keepDim)
            return .tensors([values, indices])
        }
    }

    // MARK: Linear algebra

    static let linearAlgebra: [WireOp] = [
        WireOp("matmul", 2...2, rules: ["mm", "mv", "dot", "bmm", "squeeze_.dim", "_unsafe_view", "_reshape_alias", "view", "expand", "transpose.int", "t", "clone", "unsqueeze", "squeeze.dim"]) { a in
            .tensor(try a.tensor(0).matmul(try a.tensor(1, "other")))
        },
        WireOp("mm", 2...2, rules: ["mm"]) { a in .tensor(try a.tensor(0).mm(try a.tensor(1, "mat2"))) },
        WireOp("bmm", 2...2, rules: ["bmm"]) { a in .tensor(try a.tensor(0).bmm(try a.tensor(1, "mat2"))) },
        WireOp("dot", 2...2, rules: ["dot"]) { a in .tensor(try a.tensor(0).dot(try a.tensor(1, "tensor"))) },
        WireOp("outer", 2...2, rules: ["mul.Tensor", "view"]) { a in .tensor(try a.tensor(0).outer(try a.tensor(1, "vec2"))) },
        WireOp("t", 1...1, rules: ["t"]) { a in .tensor(try a.tensor(0).t()) },
        WireOp("transpose", 1...3, "dim0 dim1", rules: ["transpose.int"]) { a in
            guard let d0 = try a.int("dim0", at: 1), let d1 = try a.int("dim1", at: 2) else {
                throw a.typeError("missing required arguments 'dim0' and 'dim1'")
            }
            return .tensor(try a.tensor(0).transpose(d0, d1))
        },
        WireOp("linear", 2...3, "bias", rules: ["addmm", "mm", "_unsafe_view", "t", "add.Tensor", "squeeze_.dim"]) { a in
            .tensor(try a.tensor(0).linear(weight: try a.tensor(1, "weight"), bias: try a.optionalTensor("bias", at: 2)))
        },
    ]

    // MARK: Shapes

    static let shapes: [WireOp] = [
        WireOp("reshape", 1...9, "shape", rules: ["view", "_reshape_alias", "_unsafe_view", "clone"]) { a in
            .tensor(try a.tensor(0).reshape(try requiredSizes(a, ["shape"])))
        },
        WireOp("view", 1...9, "shape size", rules: ["view"]) { a in
            .tensor(try a.tensor(0).view(try requiredSizes(a, ["shape", "size"])))
        },
        WireOp("expand", 1...9, "size shape", rules: ["expand"]) { a in
            .tensor(try a.tensor(0).expand(try requiredSizes(a, ["size", "shape"])))
        },
        WireOp("permute", 1...9, "dims", rules: ["permute"]) { a in
            .tensor(try a.tensor(0).permute(try requiredSizes(a, ["dims"])))
        },
        WireOp("flatten", 1...3, "start_dim end_dim", rules: ["view", "_reshape_alias", "_unsafe_view", "clone"]) { a in
            .tensor(try a.tensor(0).flatten(startDim: try a.int("start_dim", at: 1) ?? 0, endDim: try a.int("end_dim", at: 2) ?? -1))
        },
        WireOp("squeeze", 1...2, "dim", rules: ["squeeze", "squeeze.dim", "squeeze.dims"]) { a in
            let x = try a.tensor(0)
            switch try a.parameter("dim", at: 1) {
            case nil, .null?: return .tensor(try x.squeeze())
            case .scalar(.int(let d))?: return .tensor(try x.squeeze(dims: [Int(d)]))
            case .ints(let dims)?: return .tensor(try x.squeeze(dims: dims, asList: true))
            default: throw a.typeError("argument 'dim' must be int or tuple of ints")
            }
        },
        WireOp("unsqueeze", 1...2, "dim:int", rules: ["unsqueeze"]) { a in
            guard let dim = try a.int("dim", at: 1) else { throw a.typeError("missing required argument 'dim'") }
            return .tensor(try a.tensor(0).unsqueeze(dim))
        },
        WireOp("cat", 1...64, "dim:int", rules: ["cat"]) { a in
            .tensor(try Tensor.cat(try a.tensors(), dim: try a.int("dim") ?? 0))
        },
        WireOp("stack", 1...64, "dim:int", rules: ["stack"]) { a in
            .tensor(try Tensor.stack(try a.tensors(), dim: try a.int("dim") ?? 0))
        },
        WireOp("split", 1...3, "split_size_or_sections dim:int", result: .many, rules: ["split.Tensor", "split_with_sizes"]) { a in
            let x = try a.tensor(0), dim = try a.int("dim", at: 2) ?? 0
            switch try a.parameter("split_size_or_sections", at: 1) {
            case .scalar(.int(let size))?: return .tensors(try x.split(size: Int(size), dim: dim))
            case .ints(let sizes)?: return .tensors(try x.split(sizes: sizes, dim: dim))
            default: throw a.typeError("missing required argument 'split_size_or_sections'")
            }
        },
        WireOp("chunk", 1...3, "chunks dim:int", result: .many, rules: ["split.Tensor", "split_with_sizes"]) { a in
            guard let chunks = try a.int("chunks", at: 1) else { throw a.typeError("missing required argument 'chunks'") }
            return .tensors(try a.tensor(0).chunk(chunks, dim: try a.int("dim", at: 2) ?? 0))
        },
        WireOp("select", 1...3, "dim:int index:int", rules: ["select.int"]) { a in
            guard let dim = try a.int("dim", at: 1), let index = try a.int("index", at: 2) else {
                throw a.typeError("missing required arguments 'dim' and 'index'")
            }
            return .tensor(try a.tensor(0).select(dim: dim, index: index))
        },
        WireOp("index", 1...2, "index", rules: ["select.int", "slice.Tensor", "unsqueeze", "index.Tensor"]) { a in
            let x = try a.tensor(0)
            if case .index(let items)? = a.attrs["index"] { return .tensor(try x.index(items)) }
            switch a.inputs[1] {
            case .scalar(.int(let i), _): return .tensor(try x.index([.integer(Int(i))]))
            case .tensor(let key):
                if key.dtype == .int64 || key.dtype == .bool { return .tensor(try x.index([.tensor(key)])) }
                return .tensor(try x.index([.tensor(try key.cast(to: .int64))]))
            default: throw ProgramError(.evaluationError, "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got \(a.inputs[1].typeName))")
            }
        },
        WireOp("clone", 1...1, rules: ["clone"]) { a in .tensor(try a.tensor(0).clone()) },
        WireOp("contiguous", 1...1, rules: ["clone"]) { a in .tensor(try a.tensor(0).contiguous()) },
    ]

    private static func requiredSizes(_ a: Arguments, _ names: [String]) throws -> [Int] {
        guard let sizes = try a.sizes(from: 1, names: names) else {
            throw a.typeError("missing required argument '\(names[0])'")
        }
        return sizes
    }

    // MARK: Comparison and logic

    static let comparisons: [WireOp] = Comparison.allCases.map { op in
        WireOp(op.rawValue, 2...2) { a in
            let x = try a.tensor(0)
            switch a.inputs[1] {
            case .tensor(let y): return .tensor(try x.compare(op, y))
            case .scalar(let s, _): return .tensor(try x.compare(op, s))
            default: throw a.typeError("argument 'other' (position 2) must be Tensor or Number, not \(a.inputs[1].typeName)")
            }
        }
    } + [
        WireOp("all", 1...2, "dim keepdim") { a in
            .tensor(try a.tensor(0).all(dims: try a.dims(at: 1), keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("any", 1...2, "dim keepdim") { a in
            .tensor(try a.tensor(0).any(dims: try a.dims(at: 1), keepDim: try a.bool("keepdim") ?? false))
        },
        WireOp("isclose", 2...2, "rtol atol equal_nan") { a in
            .tensor(try a.tensor(0).isclose(try a.tensor(1, "other"), rtol: try a.number("rtol")?.doubleValue ?? 1e-5,
                                             atol: try a.number("atol")?.doubleValue ?? 1e-8, equalNaN: try a.bool("equal_nan") ?? false))
        },
        WireOp("allclose", 2...2, "rtol atol equal_nan", result: .value) { a in
            let close = try a.tensor(0).allclose(try a.tensor(1, "other"), rtol: try a.number("rtol")?.doubleValue ?? 1e-5,
                                                 atol: try a.number("atol")?.doubleValue ?? 1e-8, equalNaN: try a.bool("equal_nan") ?? false)
            return .value(.scalar(.bool(close), float32: false))
        },
    ]

    // MARK: Losses

    static let losses: [WireOp] = [
        WireOp("mse_loss", 2...2, "reduction", rules: ["mse_loss", "expand"]) { a in
            .tensor(try a.tensor(0).mseLoss(try a.tensor(1, "target"), reduction: try reduction(a)))
        },
        WireOp("l1_loss", 2...2, "reduction", rules: ["sub.Tensor", "abs", "mean", "sum", "expand"]) { a in
            .tensor(try a.tensor(0).l1Loss(try a.tensor(1, "target"), reduction: try reduction(a)))
        },
        WireOp("binary_cross_entropy", 2...2, "weight reduction", rules: ["binary_cross_entropy"]) { a in
            .tensor(try a.tensor(0).binaryCrossEntropy(try a.tensor(1, "target"), weight: try a.optionalTensor("weight"),
                                                       reduction: try reduction(a)))
        },
        WireOp("binary_cross_entropy_with_logits", 2...2, "weight pos_weight reduction", rules: ["binary_cross_entropy_with_logits"]) { a in
            .tensor(try a.tensor(0).binaryCrossEntropyWithLogits(try a.tensor(1, "target"), weight: try a.optionalTensor("weight"),
                                                                 posWeight: try a.optionalTensor("pos_weight"), reduction: try reduction(a)))
        },
        WireOp("cross_entropy", 2...2, "weight ignore_index reduction label_smoothing",
               rules: ["_log_softmax", "nll_loss", "nll_loss2d", "view", "mul.Scalar", "add.Tensor", "neg", "sum", "div.Scalar", "mul.Tensor"]) { a in
            .tensor(try a.tensor(0).crossEntropy(try a.tensor(1, "target"), weight: try a.optionalTensor("weight"),
                                                 ignoreIndex: try a.int("ignore_index") ?? -100, reduction: try reduction(a),
                                                 labelSmoothing: try a.number("label_smoothing")?.doubleValue ?? 0))
        },
        WireOp("nll_loss", 2...2, "weight ignore_index reduction", rules: ["nll_loss", "nll_loss2d", "view"]) { a in
            .tensor(try a.tensor(0).nllLoss(try a.tensor(1, "target"), weight: try a.optionalTensor("weight"),
                                            ignoreIndex: try a.int("ignore_index") ?? -100, reduction: try reduction(a)))
        },
    ]

    private static func reduction(_ a: Arguments) throws -> Reduction {
        Reduction(rawValue: a.string("reduction") ?? "mean")!
    }

    // MARK: Values

    static let values: [WireOp] = [
        WireOp("item", 1...1, result: .value) { a in
            let x = try a.tensor(0)
            return .value(.scalar(try x.item(), float32: x.dtype == .float32))
        },
        WireOp("numel", 1...1, result: .value) { a in .value(.scalar(.int(Int64(try a.tensor(0).count)), float32: false)) },
        WireOp("size", 1...2, "dim:int", result: .value) { a in
            let x = try a.tensor(0)
            if let dim = try a.int("dim", at: 1) {
                return .value(.scalar(.int(Int64(x.shape[try sizeDim(dim, x.rank)])), float32: false))
            }
            return .value(.list(x.shape.map { .scalar(.int(Int64($0)), float32: false) }))
        },
    ]

    /// torch's `size(dim)`: wrapped as other dims are, but a 0-d tensor has no dim at all (it
    /// does not take -1 and 0 as other ops do).
    private static func sizeDim(_ dim: Int, _ rank: Int) throws -> Int {
        guard rank > 0 else {
            throw ProgramError(.evaluationError, "Dimension specified as \(dim) but tensor has no dimensions")
        }
        guard dim >= -rank && dim < rank else {
            throw ProgramError(.evaluationError, "Dimension out of range (expected to be in range of [\(-rank), \(rank - 1)], but got \(dim))")
        }
        return dim < 0 ? dim + rank : dim
    }

    // MARK: Autograd

    static let autograd: [WireOp] = [
        WireOp("backward", 1...2, "retain_graph create_graph inputs", result: .none) { a in
            let gradient = a.inputs.count > 1 ? try a.tensor(1, "gradient") : nil
            try a.tensor(0).backward(gradient, retainGraph: try a.bool("retain_graph"), createGraph: try a.bool("create_graph") ?? false,
                                     inputs: try tensorList(a, "inputs"))
            return .nothing
        },
        WireOp("grad", 2...64, "grad_outputs retain_graph create_graph allow_unused materialize_grads", result: .many) { a in
            let output = try a.tensor(0, "outputs")
            let inputs = try (1..<a.inputs.count).map { try a.tensor($0, "inputs") }
            let gradOutput = try tensorList(a, "grad_outputs")?.first
            return .tensors(try output.gradients(with: inputs, gradOutput: gradOutput, retainGraph: try a.bool("retain_graph"),
                                                 createGraph: try a.bool("create_graph") ?? false, allowUnused: try a.bool("allow_unused"),
                                                 materializeGrads: try a.bool("materialize_grads") ?? false))
        },
        WireOp("requires_grad_", 1...1, "requires_grad") { a in
            let x = try a.tensor(0)
            try x.requiresGrad_(try a.bool("requires_grad") ?? true)
            return .tensor(x)
        },
        WireOp("retain_grad", 1...1, result: .none) { a in
            try a.tensor(0).retainGrad()
            return .nothing
        },
        WireOp("zero_grad", 1...1, result: .none) { a in
            try a.tensor(0).zeroGrad()
            return .nothing
        },
        WireOp("detach", 1...1) { a in .tensor(try a.tensor(0).detach()) },
    ]

    /// A list-of-values attr whose values must be tensors.
    private static func tensorList(_ a: Arguments, _ name: String) throws -> [Tensor]? {
        guard case .bounds(let items)? = a.attrs[name] else { return nil }
        return try items.map { item in
            guard case .tensor(let t) = item else { throw a.typeError("argument '\(name)' must contain Tensors, not \(item.typeName)") }
            return t
        }
    }

    // MARK: In-place

    /// What an in-place op through a view records besides its own node: CopySlices on the base,
    /// AsStridedBackward0 on the view.
    private static let throughViews = ["copy_slices", "as_strided"]

    static let inPlace: [WireOp] = [
        inPlaceBinary("add_", "alpha", rules: ["add.Tensor"],
                      tensor: { x, y, a in try x.add_(y, alpha: try a.number("alpha") ?? 1) },
                      scalar: { x, s, a in try x.add_(s, alpha: try a.number("alpha") ?? 1) }),
        inPlaceBinary("sub_", "alpha", rules: ["sub.Tensor"],
                      tensor: { x, y, a in try x.sub_(y, alpha: try a.number("alpha") ?? 1) },
                      scalar: { x, s, a in try x.sub_(s, alpha: try a.number("alpha") ?? 1) }),
        inPlaceBinary("mul_", "", rules: ["mul.Tensor"],
                      tensor: { x, y, _ in try x.mul_(y) },
                      scalar: { x, s, _ in try x.mul_(s) }),
        inPlaceBinary("div_", "rounding_mode", rules: ["div.Tensor", "div.Tensor_mode"],
                      tensor: { x, y, a in try x.div_(y, roundingMode: a.string("rounding_mode").flatMap(Tensor.RoundingMode.init)) },
                      scalar: { x, s, a in try x.div_(s, roundingMode: a.string("rounding_mode").flatMap(Tensor.RoundingMode.init)) }),
        WireOp("zero_", 1...1, rules: ["zero_"] + throughViews) { a in
            let x = try a.tensor(0)
            try x.zero_()
            return .tensor(x)
        },
        WireOp("fill_", 1...2, "value", rules: ["fill_.Scalar", "fill_.Tensor"] + throughViews) { a in
            let x = try a.tensor(0)
            switch try a.parameter("value", at: 1) {
            case .scalar(let s)?: try x.fill_(s)
            case .bound(.tensor(let t))?: try x.fill_(t)
            default: throw a.typeError("missing required argument 'value'")
            }
            return .tensor(x)
        },
        WireOp("copy_", 2...2, rules: ["copy_"] + throughViews) { a in
            let x = try a.tensor(0)
            // torch's parser takes a Python number for `src` as a wrapped 0-d tensor
            if case .scalar(let s, _) = a.inputs[1] {
                try x.copy_(try Tensor.full([], s, dtype: s.wrappedDType(defaultFloat: .float64), context: a.context))
            } else {
                try x.copy_(try a.tensor(1, "src"))
            }
            return .tensor(x)
        },
        WireOp("clamp_", 1...3, "min max", rules: ["clamp", "clamp.Tensor"] + throughViews) { a in
            let x = try a.tensor(0)
            _ = try clamp(a) { x, lo, hi in try x.clamp_(min: lo, max: hi); return x } tensors: { x, lo, hi in try x.clamp_(min: lo, max: hi); return x }
            return .tensor(x)
        },
    ]

    private static func inPlaceBinary(_ name: String, _ attrs: String, rules: [String],
                                      tensor: @escaping @Sendable (Tensor, Tensor, Arguments) throws -> Void,
                                      scalar: @escaping @Sendable (Tensor, Scalar, Arguments) throws -> Void) -> WireOp {
        WireOp(name, 2...2, attrs, rules: rules + throughViews) { a in
            let x = try a.tensor(0)
            switch a.inputs[1] {
            case .tensor(let y): try tensor(x, y, a)
            case .scalar(let s, _): try scalar(x, s, a)
            default: throw a.typeError("argument 'other' (position 2) must be Tensor or Number, not \(a.inputs[1].typeName)")
            }
            return .tensor(x)
        }
    }
}
