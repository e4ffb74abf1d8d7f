#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Python number passed to an op: `x + 2`, `x * 0.5`, `x.fill_(True)`.
///
/// Unlike a 0-d tensor, a scalar does not raise a tensor's dtype: `float32 + 2.5` stays float32.
/// An integral scalar acts as a Python `int`, any other number as a Python `float`.
public enum Scalar: Sendable, Equatable, CustomStringConvertible {
    case bool(Bool)
    case int(Int64)
    case double(Double)

    /// The value as a double, the form kernels compute with.
    public var doubleValue: Double {
        switch self {
        case .bool(let b): b ? 1 : 0
        case .int(let i): Double(i)
        case .double(let d): d
        }
    }

    /// The value as an integer (truncated toward zero, as a C cast does).
    public var intValue: Int64 {
        switch self {
        case .bool(let b): b ? 1 : 0
        case .int(let i): i
        case .double(let d): d.isFinite ? Int64(exactly: d.rounded(.towardZero)) ?? 0 : 0
        }
    }

    /// True for a Python `float`.
    public var isFloatingPoint: Bool {
        if case .double = self { return true }
        return false
    }

    /// The dtype torch gives this number when it wraps it into a tensor for type promotion:
    /// floats take the default dtype, ints `int64`, booleans `bool`.
    public func wrappedDType(defaultFloat: DType) -> DType {
        switch self {
        case .bool: .bool
        case .int: .int64
        case .double: defaultFloat
        }
    }

    public var description: String {
        switch self {
        case .bool(let b): b ? "True" : "False"
        case .int(let i): String(i)
        case .double(let d): String(d)
        }
    }
}

extension Scalar: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Double {
    /// The number as C++'s `operator<<` prints it (`%g`: `2`, `0.1`, `1e+10`), which is how
    /// torch's C++ messages show a double argument.
    var cppDescription: String {
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([self]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
        return String(cString: buffer)
    }
}
