import Autograd

/// The op catalog of `GET /v1/ops`, generated from the wire op registry and the engine's
/// derivative table (never a second hand-kept list).
public enum Catalog {
    /// `{"ops": [{name, inputs: {min, max}, attrs: {name: type}, result, differentiable, grad_fns}]}`
    public static let json: [UInt8] = {
        var json = JSONWriter(capacity: 16 * 1024)
        json.raw("{\"ops\":[")
        for (i, op) in WireOps.all.enumerated() {
            if i > 0 { json.byte(UInt8(ascii: ",")) }
            json.raw("{\"name\":")
            json.string(op.name)
            json.raw(",\"inputs\":{\"min\":")
            json.integer(Int64(op.arity.lowerBound))
            json.raw(",\"max\":")
            json.integer(Int64(op.arity.upperBound))
            json.raw("},\"attrs\":{")
            for (k, attr) in op.attrs.enumerated() {
                if k > 0 { json.byte(UInt8(ascii: ",")) }
                json.key(attr.name)
                json.string(attr.type.rawValue)
            }
            json.raw("},\"result\":")
            json.string(op.result.rawValue)
            json.raw(",\"differentiable\":")
            json.bool(!op.rules.isEmpty)
            json.raw(",\"grad_fns\":[")
            var seen = Set<String>()
            for name in op.gradFns where seen.insert(name).inserted {
                if seen.count > 1 { json.byte(UInt8(ascii: ",")) }
                json.string(name)
            }
            json.raw("]}")
        }
        json.raw("]}")
        return json.bytes
    }()

    /// The names of every op, in catalog order.
    public static var opNames: [String] { WireOps.all.map(\.name) }
}
