import Foundation
import Testing
@testable import AutogradProgram

/// What the answer says about outputs where torch's reference interpreter has no answer.
@Suite("Outputs")
struct OutputTests {
    /// torch raises when asked the `grad_fn` of an output of split whose base was written in
    /// place (refimpl.py itself fails with a 500 here, so there is no fixture): the answer is
    /// torch's error, blamed on the output.
    @Test("an output of split whose base was written in place is torch's error")
    func staleSplitOutput() throws {
        let program = #"{"steps":[{"out":"x","op":"tensor","attrs":{"data":[1.0,2.0,3.0,4.0],"requires_grad":true}},{"out":"y","op":"mul","inputs":["x",1]},{"out":["a","b"],"op":"split","inputs":["y",2]},{"op":"mul_","inputs":["y",2]}],"outputs":["x","a"]}"#
        let answer = Evaluator().evaluate(Array(program.utf8))
        #expect(answer.status == 422)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
        let error = try #require(body["error"] as? [String: Any])
        #expect(error["step"] as? String == "outputs[1]")
        #expect((error["message"] as? String)?.hasPrefix("Output 0 of Split is a view and its base or another view of its base has been modified inplace.") == true)
    }

    @Test("the same output detached is an ordinary tensor")
    func detachedSplitOutput() {
        let program = #"{"steps":[{"out":"x","op":"tensor","attrs":{"data":[1.0,2.0,3.0,4.0],"requires_grad":true}},{"out":"y","op":"mul","inputs":["x",1]},{"out":["a","b"],"op":"split","inputs":["y",2]},{"op":"mul_","inputs":["y",2]},{"out":"d","op":"detach","inputs":["a"]}],"outputs":["d"]}"#
        #expect(Evaluator().evaluate(Array(program.utf8)).status == 200)
    }
}
