import Autograd

/// Why a request did not produce an answer, in API.md's error model: `{code, message, step}`.
public struct ProgramError: Error, Equatable, CustomStringConvertible {
    /// API.md's error codes for what the program layer decides.
    public enum Code: String, Sendable {
        /// The body is not JSON.
        case badJSON = "bad_json"
        /// JSON, but not a program (400); also torch's argument (TypeError) errors.
        case invalidProgram = "invalid_program"
        /// torch would raise while evaluating (422).
        case evaluationError = "evaluation_error"
        /// A compute limit would be exceeded (422).
        case limitExceeded = "limit_exceeded"

        /// The HTTP status API.md gives the code.
        public var status: Int {
            switch self {
            case .badJSON, .invalidProgram: 400
            case .evaluationError, .limitExceeded: 422
            }
        }
    }

    public let code: Code
    public let message: String
    /// The JSON path of the innermost step to blame (`steps[2].do[0]`), when one is.
    public let step: String?

    public init(_ code: Code, _ message: String, step: String? = nil) {
        self.code = code
        self.message = message
        self.step = step
    }

    static func invalid(_ message: String, _ step: String? = nil) -> ProgramError {
        ProgramError(.invalidProgram, message, step: step)
    }

    /// An engine error, blamed on `step`.
    init(_ error: TensorError, step: String?) {
        switch error {
        case .evaluation(let m): self.init(.evaluationError, m, step: step)
        case .invalidArgument(let m): self.init(.invalidProgram, m, step: step)
        case .limitExceeded(let m): self.init(.limitExceeded, m, step: step)
        }
    }

    public var description: String { "\(code.rawValue): \(message)" + (step.map { " at \($0)" } ?? "") }
}
