import Autograd
import Foundation

/// A JSON value as the decoder reads it, told apart by kind. A number's spelling does not
/// matter: an integral value is an integer (API.md's convention), any other a float.
enum JSON {
    case null
    case bool(Bool)
    case integer(Int64)
    case float(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int64(let i): self = .integer(i)
        case .double(let d):
            if let i = Int64(exactly: d), abs(d) < 0x1p53 { self = .integer(i) } else { self = .float(d) }
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items)
        case .object(let members): self = .object(members)
        }
    }

    var scalar: Scalar? {
        switch self {
        case .bool(let b): .bool(b)
        case .integer(let i): .int(i)
        case .float(let d): .double(d)
        default: nil
        }
    }

    var integer: Int? {
        if case .integer(let i) = self, let v = Int(exactly: i) { return v }
        return nil
    }

    var integers: [Int]? {
        guard case .array(let items) = self else { return nil }
        var out: [Int] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let i = JSON(item).integer else { return nil }
            out.append(i)
        }
        return out
    }
}

/// The static check: decodes a JSON object into a `Program`, rejecting anything that is not a
/// program before any step runs (400 invalid_program with the path of the culprit). Messages
/// follow the reference interpreter's.
struct ProgramDecoder {
    let ops: [String: WireOp]
    let limits: ProgramLimits
    private var bound: Set<String> = []
    private var dtype: DType = .float32

    init(ops: [String: WireOp], limits: ProgramLimits) {
        self.ops = ops
        self.limits = limits
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`
    static func isName(_ s: Substring) -> Bool {
        guard let first = s.utf8.first, first < UInt8(ascii: "0") || first > UInt8(ascii: "9") else { return false }
        return s.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): true
            default: false
            }
        }
    }

    mutating func decode(_ root: JSONValue) throws -> Program {
        guard case .object(let program) = JSON(root) else {
            throw ProgramError.invalid("the program must be a JSON object")
        }
        let allowed: Set<String> = ["dtype", "seed", "steps", "outputs", "format", "graph"]
        if let extra = program.firstKey(sortedAmong: { !allowed.contains($0) }) {
            throw ProgramError.invalid("unknown field '\(extra)'", extra)
        }
        switch program["dtype"].map(JSON.init) {
        case nil: dtype = .float32
        case .string("float32")?: dtype = .float32
        case .string("float64")?: dtype = .float64
        default: throw ProgramError.invalid("dtype must be 'float32' or 'float64'", "dtype")
        }
        var seed: UInt64?
        if let value = program["seed"] {
            guard case .integer(let s) = JSON(value) else { throw ProgramError.invalid("seed must be an integer", "seed") }
            seed = UInt64(bitPattern: s)
        }
        var base64 = false
        if let value = program["format"] {
            switch JSON(value) {
            case .string("json"): base64 = false
            case .string("b64"): base64 = true
            default: throw ProgramError.invalid("format must be 'json' or 'b64'", "format")
            }
        }
        var graph = false
        if let value = program["graph"] {
            guard case .bool(let g) = JSON(value) else { throw ProgramError.invalid("graph must be a boolean", "graph") }
            graph = g
        }
        guard let steps = program["steps"] else { throw ProgramError.invalid("a program needs 'steps'", "steps") }
        let decodedSteps = try decodeSteps(steps, path: "steps", depth: 0)
        var outputs: [String]?
        if let value = program["outputs"] {
            guard case .array(let names) = JSON(value) else {
                throw ProgramError.invalid("outputs must be a list of names", "outputs")
            }
            outputs = try names.enumerated().map { i, value in
                guard case .string(let name) = value, Self.isName(name[...]) else {
                    throw ProgramError.invalid("outputs must be a list of names", "outputs[\(i)]")
                }
                guard bound.contains(name) else { throw ProgramError.invalid("unbound name '\(name)'", "outputs[\(i)]") }
                return name
            }
        }
        return Program(dtype: dtype, seed: seed, steps: decodedSteps, outputs: outputs, base64: base64, graph: graph)
    }

    /// The keys that make a step a block rather than an op call, in the order they are tried.
    private static let blockKinds = ["no_grad", "enable_grad", "while", "repeat"]

    /// The first of `blockKinds` the step has as a key (its keys compared, none hashed).
    private static func blockKind(of step: JSONObject) -> String? {
        var best: Int?
        for (key, _) in step.members {
            if let rank = blockKinds.firstIndex(of: key), rank < (best ?? .max) { best = rank }
        }
        return best.map { blockKinds[$0] }
    }

    private mutating func decodeSteps(_ value: JSONValue, path: String, depth: Int) throws -> [Step] {
        guard case .array(let items) = value else { throw ProgramError.invalid("steps must be a list", path) }
        try checkDepth(depth, path)
        var steps: [Step] = []
        steps.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let p = "\(path)[\(i)]"
            guard case .object(let step) = item else { throw ProgramError.invalid("a step must be an object", p) }
            guard let kind = Self.blockKind(of: step) else {
                steps.append(.call(try decodeCall(step, path: p, inline: false, depth: depth)))
                continue
            }
            let allowed: Set<String> = switch kind {
            case "while": ["while", "do", "max_iterations"]
            case "repeat": ["repeat", "do"]
            default: [kind]
            }
            if let extra = step.firstKey(sortedAmong: { !allowed.contains($0) }) {
                throw ProgramError.invalid("unknown field '\(extra)' in a '\(kind)' block", p)
            }
            switch kind {
            case "while":
                let condition = try decodeValue(step["while"]!, path: p + ".while", depth: depth + 1)
                var maxIterations = limits.maxIterations
                if let value = step["max_iterations"] {
                    guard let mi = JSON(value).integer, mi >= 0 else {
                        throw ProgramError.invalid("max_iterations must be a non-negative integer", p + ".max_iterations")
                    }
                    maxIterations = min(mi, limits.maxIterations)
                }
                guard let body = step["do"] else { throw ProgramError.invalid("a 'while' block needs 'do'", p) }
                steps.append(.whileLoop(condition: condition, body: try decodeSteps(body, path: p + ".do", depth: depth + 1),
                                        maxIterations: maxIterations, path: p))
            case "repeat":
                guard let count = JSON(step["repeat"]!).integer, count >= 0 else {
                    throw ProgramError.invalid("repeat must be a non-negative integer", p + ".repeat")
                }
                guard let body = step["do"] else { throw ProgramError.invalid("a 'repeat' block needs 'do'", p) }
                steps.append(.repeatLoop(count: count, body: try decodeSteps(body, path: p + ".do", depth: depth + 1), path: p))
            default:
                let body = try decodeSteps(step[kind]!, path: "\(p).\(kind)", depth: depth + 1)
                steps.append(.gradMode(enabled: kind == "enable_grad", body: body, path: p))
            }
        }
        return steps
    }

    private func checkDepth(_ depth: Int, _ path: String) throws {
        if depth > limits.maxNesting {
            throw ProgramError(.limitExceeded, "the program nests blocks and inline ops more than \(limits.maxNesting) deep", step: path)
        }
    }

    private mutating func decodeCall(_ call: JSONObject, path: String, inline: Bool, depth: Int) throws -> Call {
        try checkDepth(depth, path)
        let isField = { (key: String) in key == "op" || key == "inputs" || key == "attrs" || (!inline && key == "out") }
        if let extra = call.firstKey(sortedAmong: { !isField($0) }) {
            throw ProgramError.invalid("unknown field '\(extra)'", path)
        }
        guard case .string(let name)? = call["op"].map(JSON.init) else {
            throw ProgramError.invalid("'op' must be a string", path + ".op")
        }
        guard let op = ops[name] else { throw ProgramError.invalid("unknown op '\(name)'", path + ".op") }
        var inputItems: [JSONValue] = []
        if let value = call["inputs"] {
            guard case .array(let items) = value else { throw ProgramError.invalid("'inputs' must be a list", path + ".inputs") }
            inputItems = items
        }
        guard op.arity.contains(inputItems.count) else {
            let want = op.arity.count == 1 ? "\(op.arity.lowerBound)" : "\(op.arity.lowerBound) to \(op.arity.upperBound)"
            throw ProgramError.invalid("'\(name)' takes \(want) inputs, got \(inputItems.count)", path + ".inputs")
        }
        let inputs = try inputItems.enumerated().map { j, v in try decodeValue(v, path: "\(path).inputs[\(j)]", depth: depth + 1) }
        var attrs: [String: Attr] = [:]
        if let value = call["attrs"] {
            guard case .object(let object) = value else { throw ProgramError.invalid("'attrs' must be an object", path + ".attrs") }
            for key in object.keys.sorted() {
                let p = "\(path).attrs.\(key)"
                guard let type = op.attrType(key) else { throw ProgramError.invalid("'\(name)' has no attr '\(key)'", p) }
                attrs[key] = try decodeAttr(object[key]!, type: type, name: key, path: p, depth: depth + 1)
            }
        }
        if name == "tensor" { try checkTensorAttrs(attrs, path: path) }
        if name == "index" && (inputs.count == 2) == (attrs["index"] != nil) {
            throw ProgramError.invalid("'index' takes its key either as inputs[1] or as attrs.index", path)
        }
        if name == "grad", case .values(let outputs)? = attrs["grad_outputs"], outputs.count != 1 {
            throw ProgramError.invalid("grad_outputs needs one value per output (one)", path + ".attrs.grad_outputs")
        }
        let out = try decodeOut(call["out"], op: op, inputCount: inputs.count, path: path)
        return Call(op: op, inputs: inputs, attrs: attrs, out: out, path: path)
    }

    private mutating func decodeOut(_ value: JSONValue?, op: WireOp, inputCount: Int, path: String) throws -> Binding? {
        guard let value else { return nil }
        let json = JSON(value)
        if case .null = json { return nil }
        var names: [String] = []
        var isList = false
        switch json {
        case .string(let s): names = [s]
        case .array(let items):
            isList = true
            names = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            if names.count != items.count { names.removeAll() }
        default: break
        }
        guard !names.isEmpty, names.allSatisfy({ Self.isName($0[...]) }) else {
            throw ProgramError.invalid("'out' must be a name [A-Za-z_][A-Za-z0-9_]* or a list of names", path + ".out")
        }
        if op.result == .none { throw ProgramError.invalid("'\(op.name)' has no result to bind", path + ".out") }
        if isList && (op.result == .one || op.result == .value) {
            throw ProgramError.invalid("'\(op.name)' has one result; 'out' must be a single name", path + ".out")
        }
        if op.name == "grad" {
            if names.count != inputCount - 1 {
                throw ProgramError.invalid("'grad' over \(inputCount - 1) inputs binds \(inputCount - 1) names", path + ".out")
            }
        } else if op.result == .many && !isList {
            throw ProgramError.invalid("'\(op.name)' returns several tensors; 'out' must be a list of names", path + ".out")
        }
        bound.formUnion(names)
        return isList ? .names(names) : .name(names[0])
    }

    private mutating func decodeValue(_ value: JSONValue, path: String, depth: Int) throws -> Value {
        switch JSON(value) {
        case .string(let s):
            let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let field: Value.Field? = parts.count == 1 ? nil : (parts[1] == "grad" ? .grad : (parts[1] == "data" ? .data : nil))
            guard Self.isName(parts[0]), parts.count == 1 || field != nil else {
                throw ProgramError.invalid("'\(s)' is not a name, 'name.grad' or 'name.data'", path)
            }
            let name = String(parts[0])
            guard bound.contains(name) else { throw ProgramError.invalid("unbound name '\(name)'", path) }
            return .reference(name: name, field: field, path: path)
        case .array:
            return .literal(try decodeLiteral(value, path: path), path: path)
        case .object(let call):
            return .call(try decodeCall(call, path: path, inline: true, depth: depth))
        case .bool(let b): return .scalar(.bool(b))
        case .integer(let i): return .scalar(.int(i))
        case .float(let d): return .scalar(.double(d))
        case .null:
            throw ProgramError.invalid("a value is a name, a number, a boolean, a tensor literal or an op object", path)
        }
    }

    /// A nested-list literal: rectangular, of numbers, booleans and 'NaN'/'Infinity'/'-Infinity'.
    func decodeLiteral(_ literal: JSONValue, path: String) throws -> Literal {
        var values: [Double] = []
        var integers: [Int64]? = []   // nil once an element is not an integer
        var inexact = false           // an integer a double cannot hold
        var allBoolean = true
        func walk(_ value: JSONValue, _ path: String) throws -> [Int] {
            switch JSON(value) {
            case .bool(let b): values.append(b ? 1 : 0); integers?.append(b ? 1 : 0); return []
            case .integer(let i):
                // a zero keeps its sign: `-0.0` in a literal is torch's negative zero
                if case .double(let d) = value { values.append(d) } else { values.append(Double(i)) }
                integers?.append(i)
                if i.magnitude > 1 << 53 { inexact = true }
                allBoolean = false
                return []
            case .float(let d):
                // an integer beyond int64 is read as a double: integral ones count
                values.append(d)
                if let i = Int64(exactly: d) { integers?.append(i); inexact = true } else { integers = nil }
                allBoolean = false
                return []
            case .string("NaN"): values.append(.nan); integers = nil; allBoolean = false; return []
            case .string("Infinity"): values.append(.infinity); integers = nil; allBoolean = false; return []
            case .string("-Infinity"): values.append(-.infinity); integers = nil; allBoolean = false; return []
            case .array(let items):
                var shape: [Int]?
                for (i, item) in items.enumerated() {
                    let s = try walk(item, "\(path)[\(i)]")
                    if let shape, shape != s { throw ProgramError.invalid("a tensor literal must be rectangular", path) }
                    shape = s
                }
                return [items.count] + (shape ?? [])
            default:
                throw ProgramError.invalid("a tensor literal holds numbers, booleans, 'NaN', 'Infinity' or '-Infinity'", path)
            }
        }
        let shape = try walk(literal, path)
        let count = shape.reduce(1, *)
        if count > limits.maxElements {
            throw ProgramError(.limitExceeded, "a tensor of \(count) elements exceeds the limit of \(limits.maxElements)", step: path)
        }
        return Literal(values: values, shape: shape, allBoolean: allBoolean && !values.isEmpty,
                       integers: inexact ? integers : nil)
    }

    private mutating func decodeAttr(_ value: JSONValue, type: AttrType, name: String, path: String, depth: Int) throws -> Attr {
        let json = JSON(value)
        let bad = ProgramError.invalid("attr '\(name)' must be \(type.description)", path)
        switch type {
        case .value:
            return .value(try decodeValue(value, path: path, depth: depth))
        case .clampv:
            switch json {
            case .null: return .null
            case .integer, .float: return .scalar(json.scalar!)
            default: return .value(try decodeValue(value, path: path, depth: depth))
            }
        case .values:
            guard case .array(let items) = json else { throw ProgramError.invalid("attr '\(name)' must be a list of values", path) }
            return .values(try items.enumerated().map { j, v in try decodeValue(v, path: "\(path)[\(j)]", depth: depth) })
        case .data:
            return .data(try decodeLiteral(value, path: path))
        case .int:
            guard let i = json.integer else { throw bad }
            return .scalar(.int(Int64(i)))
        case .optint:
            if case .null = json { return .null }
            guard let i = json.integer else { throw bad }
            return .scalar(.int(Int64(i)))
        case .num:
            switch json {
            case .integer, .float: return .scalar(json.scalar!)
            default: throw bad
            }
        case .scalar:
            guard let s = json.scalar else { throw bad }
            return .scalar(s)
        case .bool:
            guard case .bool(let b) = json else { throw bad }
            return .bool(b)
        case .optbool:
            if case .null = json { return .null }
            guard case .bool(let b) = json else { throw bad }
            return .bool(b)
        case .dim:
            if case .null = json { return .null }
            if let i = json.integer { return .scalar(.int(Int64(i))) }
            guard let list = json.integers else { throw bad }
            return .ints(list)
        case .ints:
            guard let list = json.integers else { throw bad }
            return .ints(list)
        case .split:
            if let i = json.integer { return .scalar(.int(Int64(i))) }
            guard let list = json.integers else { throw bad }
            return .ints(list)
        case .dtype:
            guard case .string(let s) = json, let known = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"].first(where: { $0 == s }) else { throw bad }
            guard let d = DType(name: known) else {
                throw ProgramError.invalid("dtype '\(known)' is not supported by this service (float32, float64, int64 and bool are)", path)
            }
            return .dtype(d)
        case .p:
            switch json {
            case .integer, .float: return .scalar(json.scalar!)
            case .string("inf"): return .scalar(.double(.infinity))
            case .string("-inf"): return .scalar(.double(-.infinity))
            case .string("fro"): return .string("fro")
            case .string("nuc"): return .string("nuc")
            default: throw bad
            }
        case .reduction:
            guard case .string(let s) = json, ["mean", "sum", "none"].contains(s) else { throw bad }
            return .string(s)
        case .approximate:
            guard case .string(let s) = json, ["none", "tanh"].contains(s) else { throw bad }
            return .string(s)
        case .rounding:
            if case .null = json { return .null }
            guard case .string(let s) = json, ["trunc", "floor"].contains(s) else { throw bad }
            return .string(s)
        case .str:
            guard case .string(let s) = json else { throw bad }
            if name == "b64" {
                guard let data = Data(base64Encoded: s) else { throw ProgramError.invalid("attrs.b64 is not valid base64", path) }
                return .bytes([UInt8](data))
            }
            return .string(s)
        case .index:
            guard case .array(let items) = json else { throw bad }
            return .index(try items.map { item in
                switch JSON(item) {
                case .null: return .newAxis
                case .string("..."): return .ellipsis
                case .integer(let i): return .integer(Int(i))
                case .bool(let b): return .list(Literal(values: [b ? 1 : 0], shape: [], allBoolean: true))
                case .object(let slice):
                    guard slice.firstKey(sortedAmong: { !["start", "stop", "step"].contains($0) }) == nil else { throw bad }
                    func bound(_ key: String) throws -> Int? {
                        guard let v = slice[key] else { return nil }
                        if case .null = JSON(v) { return nil }
                        guard let i = JSON(v).integer else { throw bad }
                        return i
                    }
                    return .slice(start: try bound("start"), stop: try bound("stop"), step: try bound("step"))
                case .array:
                    let literal = try decodeLiteral(item, path: path)
                    guard literal.allBoolean || literal.values.allSatisfy({ $0 == $0.rounded() }) else { throw bad }
                    return .list(literal)
                default: throw bad
                }
            })
        }
    }

    private func checkTensorAttrs(_ attrs: [String: Attr], path: String) throws {
        let hasData = attrs["data"] != nil, hasBytes = attrs["b64"] != nil
        guard hasData != hasBytes else {
            throw ProgramError.invalid("'tensor' needs exactly one of attrs.data and attrs.b64", path + ".attrs")
        }
        var shape: [Int]?
        if case .ints(let s)? = attrs["shape"] {
            guard s.allSatisfy({ $0 >= 0 }) else { throw ProgramError.invalid("shape entries must be >= 0", path + ".attrs.shape") }
            shape = s
        }
        let count: Int
        if case .data(let literal)? = attrs["data"] {
            count = literal.values.count
        } else if case .bytes(let bytes)? = attrs["b64"] {
            var width = dtype.byteWidth
            if case .dtype(let d)? = attrs["dtype"] { width = d.byteWidth }
            guard bytes.count % width == 0 else {
                throw ProgramError.invalid("attrs.b64 is not a whole number of elements", path + ".attrs.b64")
            }
            count = bytes.count / width
            guard shape != nil else { return }
        } else {
            return
        }
        if let shape, elementCount(shape) != count {
            throw ProgramError.invalid("shape \(formatShape(shape)) does not hold \(count) elements", path + ".attrs.shape")
        }
    }
}

/// The number of elements of `shape`, or nil past Int.max (a shape is the client's to choose).
private func elementCount(_ shape: [Int]) -> Int? {
    if shape.contains(0) { return 0 }
    var product = 1
    for size in shape {
        let (next, overflow) = product.multipliedReportingOverflow(by: size)
        if overflow { return nil }
        product = next
    }
    return product
}

/// `[2, 3]`, as the reference prints a shape list.
func formatShape(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
