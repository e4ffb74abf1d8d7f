import Autograd
import Foundation

/// Writes API.md's answer: `{"outputs": {name: tensor or {"value": …}}, "graph": …}`.
struct AnswerWriter {
    let base64: Bool
    var json = JSONWriter()

    init(base64: Bool) { self.base64 = base64 }

    mutating func outputs(_ names: [String], _ environment: Environment, graph: Bool) throws -> [UInt8] {
        json.raw("{\"outputs\":{")
        var tensors: [Tensor] = []
        for (i, name) in names.enumerated() {
            guard let bound = environment[name] else {
                throw ProgramError.invalid("'\(name)' was never bound", "outputs[\(i)]")
            }
            if i > 0 { json.byte(UInt8(ascii: ",")) }
            json.key(name)
            switch bound {
            case .tensor(let t):
                // torch raises when asked the grad_fn of a view it will not regenerate
                do { try t.checkGradFn() } catch { throw ProgramError(error, step: "outputs[\(i)]") }
                tensor(t)
                tensors.append(t)
            case .none:
                json.null()
            default:
                json.raw("{\"value\":")
                value(bound)
                json.byte(UInt8(ascii: "}"))
            }
        }
        json.byte(UInt8(ascii: "}"))
        if graph {
            json.raw(",\"graph\":")
            self.graph(tensors)
        }
        json.byte(UInt8(ascii: "}"))
        return json.bytes
    }

    private mutating func tensor(_ t: Tensor) {
        json.raw("{\"dtype\":")
        json.string(t.dtype.description)
        json.raw(",\"shape\":[")
        for (i, s) in t.shape.enumerated() {
            if i > 0 { json.byte(UInt8(ascii: ",")) }
            json.integer(Int64(s))
        }
        json.raw("],\"data\":")
        data(t)
        json.raw(",\"requires_grad\":")
        json.bool(t.requiresGrad)
        json.raw(",\"is_leaf\":")
        json.bool(t.isLeaf)
        json.raw(",\"grad_fn\":")
        if let name = t.gradFnName { json.string(name) } else { json.null() }
        json.raw(",\"grad\":")
        if let grad = t.grad { data(grad) } else { json.null() }
        json.byte(UInt8(ascii: "}"))
    }

    /// Elements as nested lists shaped like the tensor (a bare number for 0-d), or base64.
    private mutating func data(_ t: Tensor) {
        if base64 {
            let encoded = t.withContiguousBytes { Data($0).base64EncodedString() }
            json.string(encoded)
            return
        }
        t.withContiguousBytes { raw in
            switch t.dtype {
            case .float32: nested(t.shape, raw.bindMemory(to: Float.self)) { $0.float32($1) }
            case .float64: nested(t.shape, raw.bindMemory(to: Double.self)) { $0.float64($1) }
            case .int64: nested(t.shape, raw.bindMemory(to: Int64.self)) { $0.integer($1) }
            case .bool: nested(t.shape, raw.bindMemory(to: Bool.self)) { $0.bool($1) }
            }
        }
    }

    private mutating func nested<T>(_ shape: [Int], _ elements: UnsafeBufferPointer<T>, _ write: (inout JSONWriter, T) -> Void) {
        if shape.isEmpty {
            write(&json, elements[0])
            return
        }
        var index = 0
        func level(_ d: Int, _ json: inout JSONWriter) {
            json.byte(UInt8(ascii: "["))
            for i in 0..<shape[d] {
                if i > 0 { json.byte(UInt8(ascii: ",")) }
                if d == shape.count - 1 {
                    write(&json, elements[index])
                    index += 1
                } else {
                    level(d + 1, &json)
                }
            }
            json.byte(UInt8(ascii: "]"))
        }
        level(0, &json)
    }

    private mutating func value(_ bound: Bound) {
        switch bound {
        case .scalar(.bool(let b), _): json.bool(b)
        case .scalar(.int(let i), _): json.integer(i)
        case .scalar(.double(let d), let float32): float32 ? json.float32(Float(d)) : json.float64(d)
        case .list(let items):
            json.byte(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { json.byte(UInt8(ascii: ",")) }
                value(item)
            }
            json.byte(UInt8(ascii: "]"))
        case .tensor(let t): tensor(t)
        case .none: json.null()
        }
    }

    /// The backward graph reachable from the outputs: nodes in discovery order, an edge from a
    /// node to each producer in its `next_functions`.
    private mutating func graph(_ tensors: [Tensor]) {
        var ids: [ObjectIdentifier: Int] = [:]
        var nodes: [Node] = []
        var queue: [Node] = []
        func id(_ node: Node) -> Int {
            if let id = ids[ObjectIdentifier(node)] { return id }
            ids[ObjectIdentifier(node)] = nodes.count
            nodes.append(node)
            queue.append(node)
            return nodes.count - 1
        }
        for t in tensors { if let fn = t.gradFn { _ = id(fn) } }
        var edges: [(Int, Int, Int)] = []
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            let from = ids[ObjectIdentifier(node)]!
            for edge in node.nextFunctions {
                guard let edge else { continue }
                edges.append((from, id(edge.node), edge.inputNr))
            }
        }
        json.raw("{\"nodes\":[")
        for (i, node) in nodes.enumerated() {
            if i > 0 { json.byte(UInt8(ascii: ",")) }
            json.raw("{\"id\":")
            json.integer(Int64(i))
            json.raw(",\"name\":")
            json.string(node.name)
            json.byte(UInt8(ascii: "}"))
        }
        json.raw("],\"edges\":[")
        for (i, edge) in edges.enumerated() {
            if i > 0 { json.byte(UInt8(ascii: ",")) }
            json.raw("{\"from\":")
            json.integer(Int64(edge.0))
            json.raw(",\"to\":")
            json.integer(Int64(edge.1))
            json.raw(",\"input_nr\":")
            json.integer(Int64(edge.2))
            json.byte(UInt8(ascii: "}"))
        }
        json.raw("]}")
    }
}
