import Autograd
import ConformanceSupport
import Foundation
import Testing
@testable import AutogradProgram

/// Torch's answers for every op and form of the op set (`Tests/Fixtures/generate.py` made
/// them with `../shared/reference/refimpl.py` on real torch): values, dtypes, `grad_fn`
/// names, backward graphs, first derivatives, and second derivatives through `create_graph`.
@Suite("Torch fixtures, every op and form")
struct FixtureTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/cases")
    static let cases = ConformanceCase.all(in: folder)

    @Test("the fixtures are checked in")
    func fixturesArePresent() {
        #expect(Self.cases.count >= 500, "found \(Self.cases.count) fixtures in \(Self.folder.path)")
    }

    @Test("torch's answer", arguments: cases)
    func conforms(_ fixture: ConformanceCase) {
        let answer = Evaluator().evaluate([UInt8](fixture.program))
        if let mismatch = fixture.mismatch(status: answer.status, body: Data(answer.body)) {
            Issue.record("\(fixture.name): \(mismatch)")
        }
    }

    /// Every tensor holds its context, so a context that outlives its program means tensors
    /// caught in a reference cycle: memory a server would never get back. Over the fixtures and
    /// the golden cases.
    @Test("nothing outlives its program: no tensor is left in a reference cycle",
          arguments: cases + ConformanceTests.cases)
    func freesItsTensors(_ fixture: ConformanceCase) throws {
        weak var context: Context?
        let root = try JSONReader.read([UInt8](fixture.program))
        let (_, leftovers) = Evaluator().evaluate(json: root)
        context = leftovers.context
        #expect(context != nil || fixture.expectedStatus == 400, "\(fixture.name): the program ran in no context")
        leftovers.free()
        #expect(context == nil, "\(fixture.name): the program's context (and tensors) are still alive")
    }
}
