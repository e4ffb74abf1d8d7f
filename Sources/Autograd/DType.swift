/// The element type of a tensor.
///
/// The engine holds the four dtypes autograd programs need: two floating types that can carry
/// gradients, `int64` for indices and counts, and `bool` for comparisons and masks.
/// Matches `torch.float32`, `torch.float64`, `torch.int64` and `torch.bool`.
public enum DType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case bool
    case int64
    case float32
    case float64

    /// The name torch prints without its `torch.` prefix (`float32`), which is also the wire name.
    public var description: String {
        switch self {
        case .bool: "bool"
        case .int64: "int64"
        case .float32: "float32"
        case .float64: "float64"
        }
    }

    /// The wire name parsed back into a dtype, or nil for a name the engine does not hold.
    public init?(name: String) {
        switch name {
        case "bool": self = .bool
        case "int64": self = .int64
        case "float32": self = .float32
        case "float64": self = .float64
        default: return nil
        }
    }

    /// True for the dtypes that can require gradients.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .bool: 1
        case .int64, .float64: 8
        case .float32: 4
        }
    }

    /// The legacy tensor type name torch uses in its error messages (`torch.FloatTensor`).
    var legacyTypeName: String {
        switch self {
        case .bool: "CPUBoolType"   // torch has no legacy name for bool and prints the type's
        case .int64: "torch.LongTensor"
        case .float32: "torch.FloatTensor"
        case .float64: "torch.DoubleTensor"
        }
    }

    /// The scalar-type name torch uses in casting errors (`Float`, `Long`).
    var scalarTypeName: String {
        switch self {
        case .bool: "Bool"
        case .int64: "Long"
        case .float32: "Float"
        case .float64: "Double"
        }
    }

    /// The category order used by type promotion: bool < integral < floating.
    fileprivate var category: Int {
        switch self {
        case .bool: 0
        case .int64: 1
        case .float32, .float64: 2
        }
    }

    /// The smallest dtype both operands can be represented in.
    ///
    /// Matches `torch.promote_types`. With the engine's four dtypes the promotion lattice is a
    /// chain, so promotion is the larger of the two.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        a.rawValue >= b.rawValue ? a : b
    }
}

/// The role an operand plays in torch's type promotion.
///
/// torch ranks operands in three priority groups: tensors with dimensions, zero-dimensional
/// tensors, and Python numbers ("wrapped numbers"). A lower group changes the result only when
/// it belongs to a higher category (an integer tensor plus a float scalar is a float tensor, a
/// float32 tensor plus a float64 0-d tensor stays float32).
enum PromotionGroup {
    case dimensioned, zeroDim, wrapped
}

/// Accumulates operands and answers their common dtype as `torch.result_type` does.
struct ResultType {
    private var dimensioned: DType?
    private var zeroDim: DType?
    private var wrapped: DType?

    mutating func add(_ dtype: DType, _ group: PromotionGroup) {
        switch group {
        case .dimensioned: dimensioned = dimensioned.map { DType.promote($0, dtype) } ?? dtype
        case .zeroDim: zeroDim = zeroDim.map { DType.promote($0, dtype) } ?? dtype
        case .wrapped: wrapped = wrapped.map { DType.promote($0, dtype) } ?? dtype
        }
    }

    mutating func add(_ tensor: Tensor) {
        add(tensor.dtype, tensor.rank == 0 ? .zeroDim : .dimensioned)
    }

    mutating func add(_ scalar: Scalar, defaultFloat: DType) {
        add(scalar.wrappedDType(defaultFloat: defaultFloat), .wrapped)
    }

    /// torch's `combine_categories`: the higher group wins unless the lower group's category
    /// is higher (then the two are promoted together).
    var result: DType {
        Self.combine(dimensioned, Self.combine(zeroDim, wrapped)) ?? .float32
    }

    private static func combine(_ higher: DType?, _ lower: DType?) -> DType? {
        guard let higher else { return lower }
        guard let lower else { return higher }
        if higher.isFloatingPoint { return higher }
        if higher == .bool || lower.category > higher.category { return DType.promote(higher, lower) }
        return higher
    }
}
