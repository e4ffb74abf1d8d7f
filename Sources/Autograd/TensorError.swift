/// Why an engine call failed. One enum for the engine layer; the program layer maps each case to
/// its wire code.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// torch would raise while evaluating (a RuntimeError, IndexError or ValueError). The message
    /// copies torch's wording.
    case evaluation(String)
    /// torch's argument parser would reject the call (a TypeError): an ill-typed argument.
    case invalidArgument(String)
    /// The call would exceed one of the context's compute limits.
    case limitExceeded(String)

    public var message: String {
        switch self {
        case .evaluation(let m), .invalidArgument(let m), .limitExceeded(let m): m
        }
    }

    public var description: String { message }
}

/// Shorthand for the error torch raises while evaluating.
@inline(never)
func fail(_ message: String) -> TensorError { .evaluation(message) }
