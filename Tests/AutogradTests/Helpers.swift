import Testing
@testable import Autograd

/// A float32 context with no limits, for engine tests.
func context(_ dtype: DType = .float32, seed: UInt64 = 0) -> Context {
    Context(defaultDType: dtype, seed: seed, limits: .unlimited)
}

extension Context {
    /// `torch.tensor(values)` reshaped to `shape` (default: 1-d), in the context's dtype.
    func tensor(_ values: [Double], _ shape: [Int]? = nil, dtype: DType? = nil,
                requiresGrad: Bool = false) throws -> Tensor {
        let t = try Tensor.make(values, shape: shape ?? [values.count], dtype: dtype ?? defaultDType, context: self)
        if requiresGrad { try t.requireGradAtCreation() }
        return t
    }
}

/// Expects `tensor`'s elements to match `expected` within torch's float32 tolerance.
func expectClose(_ tensor: Tensor?, _ expected: [Double], rtol: Double = 1e-4, atol: Double = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let tensor else {
        Issue.record("expected a tensor, got nil", sourceLocation: sourceLocation)
        return
    }
    let actual = tensor.doubles()
    #expect(actual.count == expected.count, "element count", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) where !(abs(a - e) <= atol + rtol * abs(e) || (a.isNaN && e.isNaN)) {
        Issue.record("expected \(expected), got \(actual)", sourceLocation: sourceLocation)
        return
    }
}

/// Expects `body` to fail with torch's evaluation error containing `phrase`.
func expectTorchError(_ phrase: String, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error containing \"\(phrase)\"", sourceLocation: sourceLocation)
    } catch let error as TensorError {
        #expect(error.message.lowercased().contains(phrase.lowercased()), "\(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
