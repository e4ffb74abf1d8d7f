import Autograd

/// How an attr's JSON value is typed; the description is the static check's wording.
enum AttrType: String, CaseIterable, Sendable {
    case int, optint, num, scalar, bool, optbool, dim, ints, split, dtype, p, reduction
    case approximate, rounding, index, data, str, value, values, clampv

    var description: String {
        switch self {
        case .int: "an integer"
        case .optint: "an integer or null"
        case .num: "a number"
        case .scalar: "a number or boolean"
        case .bool: "a boolean"
        case .optbool: "a boolean or null"
        case .dim: "an integer, a list of integers or null"
        case .ints: "a list of integers"
        case .split: "an integer or a list of integers"
        case .dtype: "one of float16, bfloat16, float32, float64, int8, int16, int32, int64, uint8, bool"
        case .p: "a number, 'fro', 'nuc', 'inf' or '-inf'"
        case .reduction: "'mean', 'sum' or 'none'"
        case .approximate: "'none' or 'tanh'"
        case .rounding: "'trunc', 'floor' or null"
        case .index: "a list of integers, slices {start, stop, step}, null, '...' or integer lists"
        case .data: "a number or a (nested) list of numbers"
        case .str: "a string"
        case .value: "a value"
        case .values: "a list of values"
        case .clampv: "a number, null or a value"
        }
    }

    /// The type every attr of this name has, unless an op overrides it (`dim:int`).
    static let defaults: [String: AttrType] = [
        "dim": .dim, "keepdim": .bool, "dtype": .dtype, "requires_grad": .bool, "shape": .ints,
        "size": .ints, "fill_value": .scalar, "start": .num, "end": .num, "step": .num,
        "steps": .int, "n": .int, "m": .int, "alpha": .num, "min": .clampv, "max": .clampv,
        "p": .p, "correction": .num, "unbiased": .bool, "reduction": .reduction, "weight": .value,
        "pos_weight": .value, "bias": .value, "ignore_index": .int, "label_smoothing": .num,
        "approximate": .approximate, "beta": .num, "threshold": .num, "rtol": .num, "atol": .num,
        "equal_nan": .bool, "dim0": .int, "dim1": .int, "dims": .ints, "start_dim": .int,
        "end_dim": .int, "index": .index, "split_size_or_sections": .split, "chunks": .int,
        "retain_graph": .optbool, "create_graph": .bool, "inputs": .values, "grad_outputs": .values,
        "allow_unused": .optbool, "materialize_grads": .bool, "data": .data, "b64": .str,
        "value": .scalar, "rounding_mode": .rounding,
    ]
}

/// What an op answers, which decides how `out` may bind it.
enum ResultKind: String, Sendable {
    /// One tensor.
    case one
    /// Several tensors: `out` must be a list.
    case many
    /// One tensor, or several with `dim` (`max`, `min`).
    case maybe
    /// A non-tensor value (`item`, `size`, `allclose`).
    case value
    /// Nothing to bind (`backward`).
    case none
}

/// An op of the wire contract: its signature as the static check sees it, and how it runs.
struct WireOp: Sendable {
    let name: String
    /// How many inputs it takes.
    let arity: ClosedRange<Int>
    /// Its attrs, in declaration order.
    let attrs: [(name: String, type: AttrType)]
    let result: ResultKind
    /// The derivative rows (aten overloads) whose nodes it can record: the catalog's `grad_fn`
    /// names come from the engine's table through these.
    let rules: [String]
    /// Runs the op on resolved arguments.
    let run: @Sendable (Arguments) throws -> Output

    /// Declares an op: `attrs` is a space-separated list of names, each optionally typed
    /// (`"dim:int keepdim"`), as the reference interpreter declares them.
    init(_ name: String, _ arity: ClosedRange<Int>, _ attrs: String = "", result: ResultKind = .one,
         rules: [String] = [], _ run: @escaping @Sendable (Arguments) throws -> Output) {
        self.name = name
        self.arity = arity
        self.attrs = attrs.split(separator: " ").map { token in
            let parts = token.split(separator: ":", maxSplits: 1)
            let attr = String(parts[0])
            let type = parts.count > 1 ? AttrType(rawValue: String(parts[1]))! : AttrType.defaults[attr]!
            return (attr, type)
        }
        self.result = result
        self.rules = rules
        self.run = run
    }

    func attrType(_ name: String) -> AttrType? { attrs.first { $0.name == name }?.type }

    /// The grad_fn names its nodes can have, read from the engine's derivative table.
    var gradFns: [String] {
        rules.map { rule in Derivatives.table.first { $0.name == rule }!.gradFn }
    }
}

/// What an op call produced.
enum Output {
    case tensor(Tensor)
    /// Several results, some possibly None (`grad` with `allow_unused`).
    case tensors([Tensor?])
    /// A non-tensor value.
    case value(Bound)
    case nothing
}
