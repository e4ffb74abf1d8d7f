import ConformanceSupport
import Foundation
import Testing
@testable import AutogradProgram

/// Every golden case of `../shared/conformance/cases`, evaluated in process (no sockets):
/// torch's answers reproduced by the program layer on the engine.
@Suite("Conformance cases, in process")
struct ConformanceTests {
    static let cases = ConformanceCase.all()

    @Test("the golden cases are where the suite expects them")
    func casesArePresent() {
        #expect(Self.cases.count >= 200, "found \(Self.cases.count) cases in \(ConformanceCase.directory.path)")
    }

    @Test("torch's answer", arguments: cases)
    func conforms(_ golden: ConformanceCase) {
        let answer = Evaluator().evaluate([UInt8](golden.program))
        if let mismatch = golden.mismatch(status: answer.status, body: Data(answer.body)) {
            Issue.record("\(golden.name): \(mismatch)")
        }
    }
}
