import Autograd
import Foundation

/// The program layer's entry point: a request body in, an HTTP status and a JSON body out.
///
/// Testable without sockets; one evaluation shares nothing with another (each runs in a
/// context of its own), so a failing program leaves nothing behind.
public struct Evaluator: Sendable {
    public let limits: ProgramLimits

    public init(limits: ProgramLimits = ProgramLimits()) {
        self.limits = limits
    }

    /// The answer to one program: status and body.
    public struct Answer: Sendable {
        public let status: Int
        public let body: [UInt8]
        /// The error code when the program failed (for metrics).
        public let errorCode: ProgramError.Code?
    }

    /// Evaluates a JSON request body.
    public func evaluate(_ body: [UInt8]) -> Answer {
        let (answer, leftovers) = evaluateLeavingCleanup(body)
        leftovers.free()
        return answer
    }

    /// Evaluates a JSON request body and answers before freeing what the program made: its
    /// tensors and graphs are left in `Leftovers` for the caller to free once the answer is on
    /// its way (freeing a program's graphs, millions of nodes at worst, takes a while).
    public func evaluateLeavingCleanup(_ body: [UInt8]) -> (Answer, Leftovers) {
        let root: JSONValue
        do {
            root = try JSONReader.read(body)
        } catch {
            return (Self.failure(ProgramError(.badJSON, "the body is not JSON: \(error)")), Leftovers())
        }
        return evaluate(json: root)
    }

    /// Evaluates a program already read into a tree.
    func evaluate(json root: JSONValue) -> (Answer, Leftovers) {
        let leftovers = Leftovers()
        return (evaluate(json: root, leaving: leftovers), leftovers)
    }

    private func evaluate(json root: JSONValue, leaving leftovers: Leftovers) -> Answer {
        do {
            var decoder = ProgramDecoder(ops: WireOps.byName, limits: limits)
            let program = try decoder.decode(root)
            let context = Context(defaultDType: program.dtype, seed: program.seed, limits: limits.engineLimits)
            let interpreter = Interpreter(context: context, limits: limits)
            leftovers.interpreter = interpreter
            try interpreter.run(program.steps)
            var writer = AnswerWriter(base64: program.base64)
            let names = program.outputs ?? interpreter.environment.order
            return Answer(status: 200, body: try writer.outputs(names, interpreter.environment, graph: program.graph), errorCode: nil)
        } catch let error as ProgramError {
            return Self.failure(error)
        } catch let error as TensorError {
            return Self.failure(ProgramError(error, step: nil))
        } catch {
            return Self.failure(ProgramError(.evaluationError, "\(error)"))
        }
    }

    /// API.md's error body.
    static func failure(_ error: ProgramError) -> Answer {
        Answer(status: error.code.status, body: errorBody(code: error.code.rawValue, message: error.message, step: error.step),
               errorCode: error.code)
    }

    /// `{"error": {"code", "message", "step"}}`.
    public static func errorBody(code: String, message: String, step: String? = nil) -> [UInt8] {
        var json = JSONWriter(capacity: 128 + message.utf8.count)
        json.raw("{\"error\":{\"code\":")
        json.string(code)
        json.raw(",\"message\":")
        json.string(message)
        if let step {
            json.raw(",\"step\":")
            json.string(step)
        }
        json.raw("}}")
        return json.bytes
    }
}

/// What a finished program leaves behind (its context, variables and graphs), to be freed by
/// `free()`, or else with the last reference (which frees them the same way). The program
/// layer hands them over only once the answer is written, and nothing else reaches them, so
/// they may cross to the thread that frees them (hence `@unchecked Sendable`).
public final class Leftovers: @unchecked Sendable {
    fileprivate var interpreter: Interpreter?

    /// The program's context, while it is kept here.
    var context: Context? { interpreter?.context }

    /// How many graph nodes the program recorded (0 once freed): its graphs' share of memory,
    /// which, made of small objects, the allocator keeps after they are freed.
    public var nodesRecorded: Int { context?.nodesRecorded ?? 0 }

    /// Drops the graphs that could keep tensors alive in reference cycles
    /// (`Context.releaseGraphs`), then everything the program made.
    public func free() {
        interpreter?.context.releaseGraphs()
        interpreter = nil
    }

    deinit { free() }
}
