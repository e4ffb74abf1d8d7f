import Autograd

/// The compute limits of one program, each configurable by a server flag. API.md's defaults.
public struct ProgramLimits: Sendable {
    /// Ceiling (and default) of a `while` block's `max_iterations`; enforced before each pass.
    public var maxIterations = 1000
    /// Steps executed per request, loop passes and block steps included; enforced per step.
    public var maxSteps = 100_000
    /// Elements of any one tensor; enforced before allocation (literals, creation, results).
    public var maxElements = 1 << 24
    /// Bytes of tensor storage alive at once; enforced at every allocation.
    public var maxBytes = 1 << 30
    /// Wall time of one evaluation; enforced between steps and inside long kernels.
    public var maxDuration: Duration = .seconds(10)
    /// Nesting of blocks and inline ops; enforced by the static check, so that evaluation
    /// recursion stays far from the thread's stack limit.
    public var maxNesting = 64

    public init() {}

    var engineLimits: Context.Limits {
        Context.Limits(maxElements: maxElements, maxBytes: maxBytes, maxDuration: maxDuration)
    }
}
