import Autograd

/// A value a name can be bound to: what a Python variable of the equivalent script would hold.
enum Bound {
    case tensor(Tensor)
    /// A Python number; `float32` marks an `item()` of a float32 tensor (printed as float32).
    case scalar(Scalar, float32: Bool)
    /// A Python list (`size()`).
    case list([Bound])
    /// Python's None (`grad` of an unused input with `allow_unused`).
    case none

    /// Python's type name, for TypeError messages.
    var typeName: String {
        switch self {
        case .tensor: "Tensor"
        case .scalar(.bool, _): "bool"
        case .scalar(.int, _): "int"
        case .scalar(.double, _): "float"
        case .list: "list"
        case .none: "NoneType"
        }
    }
}

/// An attr with its values resolved: what the op receives as a keyword argument.
enum Resolved {
    case null
    case bool(Bool)
    case scalar(Scalar)
    case ints([Int])
    case string(String)
    case dtype(DType)
    case bound(Bound)
    case bounds([Bound])
    case index([IndexItem])
    case data(Literal)
    case bytes([UInt8])
}

/// The resolved arguments of one op call, with accessors that mirror torch's argument parser:
/// a parameter comes positionally (`inputs[k]`) or by name (`attrs`), never both, and each has
/// a type; a mismatch is torch's TypeError (400 invalid_program).
struct Arguments {
    let op: String
    let context: Context
    let inputs: [Bound]
    let attrs: [String: Resolved]

    func typeError(_ message: String) -> ProgramError { .invalid("\(op)(): \(message)") }

    /// Input `i`, which must be a tensor.
    func tensor(_ i: Int, _ name: String = "input") throws -> Tensor {
        guard case .tensor(let t) = inputs[i] else {
            throw typeError("argument '\(name)' (position \(i + 1)) must be Tensor, not \(inputs[i].typeName)")
        }
        return t
    }

    /// Every input, each of which must be a tensor (`cat`, `stack`).
    func tensors(_ name: String = "tensors") throws -> [Tensor] {
        try inputs.indices.map { try tensor($0, name) }
    }

    /// A parameter given at `position` in inputs or as `attrs[name]`, or nil.
    func parameter(_ name: String, at position: Int?) throws -> Resolved? {
        let positional = position.flatMap { $0 < inputs.count ? inputs[$0] : nil }
        if let positional {
            if attrs[name] != nil { throw typeError("got multiple values for argument '\(name)'") }
            switch positional {
            case .scalar(let s, _): return .scalar(s)
            case .list(let items):
                let ints = items.compactMap { item -> Int? in
                    if case .scalar(.int(let i), _) = item { return Int(i) }
                    return nil
                }
                return ints.count == items.count ? .ints(ints) : .bound(positional)
            case .tensor, .none: return .bound(positional)
            }
        }
        return attrs[name]
    }

    func int(_ name: String, at position: Int? = nil) throws -> Int? {
        guard let value = try parameter(name, at: position) else { return nil }
        switch value {
        case .null: return nil
        case .scalar(.int(let i)): return Int(i)
        default: throw typeError("argument '\(name)' must be int, not \(describe(value))")
        }
    }

    func bool(_ name: String, at position: Int? = nil) throws -> Bool? {
        guard let value = try parameter(name, at: position) else { return nil }
        switch value {
        case .null: return nil
        case .bool(let b), .scalar(.bool(let b)): return b
        default: throw typeError("argument '\(name)' must be bool, not \(describe(value))")
        }
    }

    func number(_ name: String, at position: Int? = nil) throws -> Scalar? {
        guard let value = try parameter(name, at: position) else { return nil }
        switch value {
        case .null: return nil
        case .scalar(let s): return s
        case .bool(let b): return .bool(b)
        default: throw typeError("argument '\(name)' must be Number, not \(describe(value))")
        }
    }

    /// `dim`: an int, a list of ints, or nil (absent or null).
    func dims(_ name: String = "dim", at position: Int? = nil) throws -> [Int]? {
        guard let value = try parameter(name, at: position) else { return nil }
        switch value {
        case .null: return nil
        case .scalar(.int(let i)): return [Int(i)]
        case .ints(let list): return list
        default: throw typeError("argument '\(name)' must be tuple of ints, not \(describe(value))")
        }
    }

    func dtype(_ name: String = "dtype") throws -> DType? {
        guard let value = attrs[name] else { return nil }
        if case .dtype(let d) = value { return d }
        return nil
    }

    func string(_ name: String) -> String? {
        if case .string(let s)? = attrs[name] { return s }
        return nil
    }

    /// A tensor-valued parameter (`weight`, `bias`, `min` as a tensor), or nil.
    func optionalTensor(_ name: String, at position: Int? = nil) throws -> Tensor? {
        guard let value = try parameter(name, at: position) else { return nil }
        switch value {
        case .null, .bound(.none): return nil
        case .bound(.tensor(let t)): return t
        default: throw typeError("argument '\(name)' must be Tensor, not \(describe(value))")
        }
    }

    /// Sizes given as trailing integer inputs from `start`, or as one of the named list attrs.
    func sizes(from start: Int, names: [String]) throws -> [Int]? {
        for name in names {
            if case .ints(let list)? = attrs[name] {
                if inputs.count > start { throw typeError("got multiple values for argument '\(name)'") }
                return list
            }
        }
        guard inputs.count > start else { return nil }
        if inputs.count == start + 1, case .list = inputs[start], case .ints(let list)? = try parameter(names[0], at: start) {
            return list
        }
        return try inputs[start...].enumerated().map { k, bound in
            guard case .scalar(.int(let i), _) = bound else {
                throw typeError("argument '\(names.first ?? "size")' (position \(start + k + 1)) must be tuple of ints, but found element of type \(bound.typeName) at pos \(k)")
            }
            return Int(i)
        }
    }

    private func describe(_ value: Resolved) -> String {
        switch value {
        case .null: "NoneType"
        case .bool: "bool"
        case .scalar(let s): Bound.scalar(s, float32: false).typeName
        case .ints: "tuple"
        case .string: "str"
        case .dtype: "dtype"
        case .bound(let b): b.typeName
        case .bounds: "list"
        case .index: "list"
        case .data: "list"
        case .bytes: "bytes"
        }
    }
}
