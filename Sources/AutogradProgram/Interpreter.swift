import Autograd

/// Names bound so far, in the order they were first bound (a rebinding keeps its place, as a
/// Python dict does): the default `outputs` of a program.
struct Environment {
    private(set) var order: [String] = []
    private var values: [String: Bound] = [:]

    subscript(name: String) -> Bound? { values[name] }

    mutating func bind(_ name: String, _ value: Bound) {
        if values.updateValue(value, forKey: name) == nil { order.append(name) }
    }
}

/// Runs a checked program define-by-run on the engine, as the equivalent Python script would
/// run on torch: steps in order, blocks changing grad mode, loops re-evaluating their condition.
final class Interpreter {
    let context: Context
    let limits: ProgramLimits
    private(set) var environment = Environment()
    private var stepsExecuted = 0

    init(context: Context, limits: ProgramLimits) {
        self.context = context
        self.limits = limits
    }

    /// Runs `steps`; errors carry the path of the innermost step to blame.
    func run(_ steps: [Step], path: String = "steps") throws {
        for (i, step) in steps.enumerated() {
            try tick { "\(path)[\(i)]" }
            switch step {
            case .call(let call):
                let output = try execute(call)
                if let out = call.out { try bind(out, output, path: call.path + ".out") }
            case .gradMode(let enabled, let body, let p):
                try context.withGradMode(enabled) { try run(body, path: p + (enabled ? ".enable_grad" : ".no_grad")) }
            case .repeatLoop(let count, let body, let p):
                for _ in 0..<count {
                    try tick { p }
                    try run(body, path: p + ".do")
                }
            case .whileLoop(let condition, let body, let maxIterations, let p):
                var passes = 0
                while try truth(of: try evaluate(condition), path: p + ".while") {
                    if passes == maxIterations {
                        throw ProgramError(.limitExceeded, "while loop exceeded max_iterations (\(maxIterations))", step: p)
                    }
                    passes += 1
                    try tick { p }
                    try run(body, path: p + ".do")
                }
            }
        }
    }

    /// Counts one executed step against the limit and checks the wall-time limit.
    private func tick(_ path: () -> String) throws {
        stepsExecuted += 1
        if stepsExecuted > limits.maxSteps {
            throw ProgramError(.limitExceeded, "the program executed more than \(limits.maxSteps) steps", step: path())
        }
        do {
            try context.checkDeadline()
        } catch {
            throw ProgramError(error, step: path())
        }
    }

    /// Python's `bool(value)`.
    private func truth(of value: Bound, path: String) throws -> Bool {
        switch value {
        case .tensor(let t):
            do { return try t.truthValue() } catch { throw ProgramError(error, step: path) }
        case .scalar(let s, _): return s.doubleValue != 0 || s.doubleValue.isNaN
        case .list(let items): return !items.isEmpty
        case .none: return false
        }
    }

    /// Runs one op call; engine errors are blamed on the call.
    func execute(_ call: Call) throws -> Output {
        let inputs = try call.inputs.map { try evaluate($0) }
        var attrs: [String: Resolved] = [:]
        for (name, attr) in call.attrs { attrs[name] = try resolve(attr) }
        let arguments = Arguments(op: call.op.name, context: context, inputs: inputs, attrs: attrs)
        do {
            return try call.op.run(arguments)
        } catch let error as TensorError {
            throw ProgramError(error, step: call.path)
        } catch let error as ProgramError where error.step == nil {
            throw ProgramError(error.code, error.message, step: call.path)
        }
    }

    /// The value of an input: a bound name (or its `.grad`/`.data`), a number, a literal or an
    /// inline call's result.
    func evaluate(_ value: Value) throws -> Bound {
        switch value {
        case .scalar(let s):
            return .scalar(s, float32: false)
        case .reference(let name, let field, let path):
            guard let bound = environment[name] else { throw ProgramError.invalid("unbound name '\(name)'", path) }
            guard let field else { return bound }
            guard case .tensor(let t) = bound else { throw ProgramError.invalid("'\(name)' is not a tensor", path) }
            switch field {
            case .data: return .tensor(t.data)
            case .grad:
                guard let grad = t.grad else {
                    throw ProgramError(.evaluationError, "\(name).grad is None", step: path)
                }
                return .tensor(grad)
            }
        case .literal(let literal, let path):
            do {
                return .tensor(try tensor(literal, dtype: nil))
            } catch {
                throw ProgramError(error, step: path)
            }
        case .call(let call):
            switch try execute(call) {
            case .tensor(let t): return .tensor(t)
            case .value(let b): return b
            case .tensors(let ts): return .list(ts.map { $0.map(Bound.tensor) ?? .none })
            case .nothing: return .none
            }
        }
    }

    /// A tensor literal in the request's dtype (bool for all-boolean data) unless `dtype` says.
    func tensor(_ literal: Literal, dtype: DType?) throws(TensorError) -> Tensor {
        let type = dtype ?? (literal.allBoolean ? .bool : context.defaultDType)
        return try literal.tensor(type, context)
    }

    private func resolve(_ attr: Attr) throws -> Resolved {
        switch attr {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .scalar(let s): return .scalar(s)
        case .ints(let i): return .ints(i)
        case .string(let s): return .string(s)
        case .dtype(let d): return .dtype(d)
        case .value(let v): return .bound(try evaluate(v))
        case .values(let vs): return .bounds(try vs.map { try evaluate($0) })
        case .data(let literal): return .data(literal)
        case .bytes(let b): return .bytes(b)
        case .index(let entries):
            return .index(try entries.map { entry -> IndexItem in
                switch entry {
                case .integer(let i): return .integer(i)
                case .slice(let start, let stop, let step): return .slice(start: start, stop: stop, step: step)
                case .newAxis: return .newAxis
                case .ellipsis: return .ellipsis
                case .list(let literal):
                    do {
                        return .tensor(try tensor(literal, dtype: literal.allBoolean ? .bool : .int64))
                    } catch let error as TensorError {
                        throw ProgramError(error, step: nil)
                    }
                }
            })
        }
    }

    private func bind(_ out: Binding, _ output: Output, path: String) throws {
        switch (out, output) {
        case (.name(let name), .tensor(let t)): environment.bind(name, .tensor(t))
        case (.name(let name), .value(let b)): environment.bind(name, b)
        case (.name(let name), .nothing): environment.bind(name, .none)
        case (.name(let name), .tensors(let ts)):
            guard ts.count == 1 else {
                throw ProgramError.invalid("this call returns \(ts.count) results; 'out' must list \(ts.count) names", path)
            }
            environment.bind(name, ts[0].map(Bound.tensor) ?? .none)
        case (.names(let names), .tensors(let ts)):
            guard names.count == ts.count else {
                throw ProgramError.invalid("this call returns \(ts.count) results; 'out' lists \(names.count) names", path)
            }
            for (name, t) in zip(names, ts) { environment.bind(name, t.map(Bound.tensor) ?? .none) }
        case (.names, _):
            throw ProgramError.invalid("this call returns one result; 'out' must be a single name", path)
        }
    }
}
