import Autograd

/// A decoded, statically checked program: API.md's request body.
public struct Program {
    /// The default floating dtype (`torch.set_default_dtype`).
    var dtype: DType
    /// Seeds the random generator, when given.
    var seed: UInt64?
    var steps: [Step]
    /// Names to answer; nil means every name bound when the program ends.
    var outputs: [String]?
    /// `"format": "b64"`: tensor data as base64 of little-endian bytes.
    var base64: Bool
    /// `"graph": true`: answer the backward graph reachable from the outputs.
    var graph: Bool
}

/// One statement of a program.
indirect enum Step {
    /// An op call, possibly binding its result.
    case call(Call)
    /// `with torch.no_grad():` (`enabled` false) or `with torch.enable_grad():`.
    case gradMode(enabled: Bool, body: [Step], path: String)
    /// `while bool(condition): body`, at most `maxIterations` passes.
    case whileLoop(condition: Value, body: [Step], maxIterations: Int, path: String)
    /// A counted loop.
    case repeatLoop(count: Int, body: [Step], path: String)
}

/// An op call: a step, or a value computed inline.
final class Call {
    let op: WireOp
    let inputs: [Value]
    let attrs: [String: Attr]
    let out: Binding?
    /// The JSON path of this call (`steps[3]`, `steps[3].inputs[1]`), for errors.
    let path: String

    init(op: WireOp, inputs: [Value], attrs: [String: Attr], out: Binding?, path: String) {
        self.op = op
        self.inputs = inputs
        self.attrs = attrs
        self.out = out
        self.path = path
    }
}

/// Where a call's result goes: one name, or one name per result.
enum Binding {
    case name(String)
    case names([String])
}

/// A value in `inputs` (or in a value-typed attr).
indirect enum Value {
    /// A bound name, or its `.grad` / `.data`.
    case reference(name: String, field: Field?, path: String)
    /// A Python number or boolean.
    case scalar(Scalar)
    /// A tensor literal (nested lists) in the request's dtype, or bool for all-boolean data.
    case literal(Literal, path: String)
    /// An inline op call.
    case call(Call)

    enum Field { case grad, data }
}

/// Nested-list tensor data, flattened.
struct Literal {
    var values: [Double]
    var shape: [Int]
    /// True when every element is a JSON boolean (and there is at least one).
    var allBoolean: Bool
    /// The elements as exact integers, kept when they are all integers and one is too large for
    /// a double to hold exactly (torch's int64 tensor keeps every digit of 2**63 - 1).
    var integers: [Int64]? = nil

    /// The literal as a tensor of `dtype`.
    func tensor(_ dtype: DType, _ context: Context) throws(TensorError) -> Tensor {
        if dtype == .int64, let integers { return try Tensor.make(integers, shape: shape, context: context) }
        return try Tensor.make(values, shape: shape, dtype: dtype, context: context)
    }
}

/// A decoded attr value. Attrs holding values (`weight`, `min`, `inputs`, …) keep them unresolved
/// until the call runs.
enum Attr {
    case null
    case bool(Bool)
    case scalar(Scalar)
    case ints([Int])
    case string(String)
    case dtype(DType)
    case value(Value)
    case values([Value])
    case index([IndexEntry])
    case data(Literal)
    case bytes([UInt8])
}

/// One entry of `attrs.index`.
enum IndexEntry {
    case integer(Int)
    case slice(start: Int?, stop: Int?, step: Int?)
    case newAxis
    case ellipsis
    case list(Literal)
}
