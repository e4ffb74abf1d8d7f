import AutogradProgram
import AutogradService
import ConformanceSupport
import Foundation
import HTTPServer
import HTTPTestSupport
import Testing

/// Every golden case, posted to the real server over real sockets.
@Suite("Conformance cases over HTTP")
struct ConformanceOverHTTPTests {
    @Test("every golden case answers as torch does")
    func allCases() throws {
        let cases = ConformanceCase.all()
        #expect(cases.count >= 200, "found \(cases.count) cases in \(ConformanceCase.directory.path)")
        try withService { server, _ in
            for golden in cases {
                let response = try server.request("POST", "/v1/evaluate", body: [UInt8](golden.program),
                                                  headers: ["Content-Type: application/json"])
                if let mismatch = golden.mismatch(status: response.status, body: Data(response.body)) {
                    Issue.record("\(golden.name): \(mismatch)")
                }
            }
        }
    }
}

@Suite("Routes")
struct RouteTests {
    @Test("healthz answers ok, readyz ready until the drain starts")
    func healthAndReadiness() throws {
        try withService { server, service in
            #expect(try server.request("GET", "/healthz").text == #"{"status":"ok"}"#)
            #expect(try server.request("GET", "/readyz").status == 200)
            service.startDraining()
            let ready = try server.request("GET", "/readyz")
            #expect(ready.status == 503 && ready.errorCode == "shutting_down")
        }
    }

    @Test("the op catalog lists every op of API.md's required set, with grad_fn names from the table")
    func catalog() throws {
        try withService { server, _ in
            let response = try server.request("GET", "/v1/ops")
            let ops = response.json["ops"] as? [[String: Any]] ?? []
            let names = Set(ops.compactMap { $0["name"] as? String })
            let required = try requiredOps()
            #expect(required.count > 80)
            #expect(required.subtracting(names).isEmpty, "missing: \(required.subtracting(names).sorted())")
            let add = ops.first { $0["name"] as? String == "add" }
            #expect(add?["grad_fns"] as? [String] == ["AddBackward0"])
            #expect(add?["differentiable"] as? Bool == true)
            let sum = ops.first { $0["name"] as? String == "sum" }
            #expect(sum?["grad_fns"] as? [String] == ["SumBackward0", "SumBackward1"])
            #expect((ops.first { $0["name"] as? String == "eq" })?["differentiable"] as? Bool == false)
        }
    }

    /// The op names API.md requires: its "required op set" and creation lists, in backticks.
    func requiredOps() throws -> Set<String> {
        let api = try String(contentsOf: ConformanceCase.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("API.md"), encoding: .utf8)
        let section = api.components(separatedBy: "### The required op set")[1].components(separatedBy: "## The answer")[0]
        let creation = api.components(separatedBy: "### Tensor literals and creation")[1].components(separatedBy: "### The autograd statements")[0]
        let names = (section + creation).matches(of: /`([a-z_0-9]+)`/).map { String($0.1) }
        return Set(names).subtracting(["dtype", "requires_grad", "fill_value", "index", "data", "shape", "attrs", "grad_fn", "bool", "dim", "keepdim", "int64"])
    }

    @Test("metrics are Prometheus text with requests by route and status, latency, in-flight, bytes and errors")
    func metrics() throws {
        try withService { server, _ in
            _ = try server.evaluate(#"{"steps":[{"out":"x","op":"ones","inputs":[2]}]}"#)
            _ = try server.evaluate(#"{"steps":[{"op":"nosuch"}]}"#)
            // Exchanges are counted after their answer is written, off the hot path: the
            // counters catch up within moments.
            var text = ""
            for _ in 0..<100 {
                text = try server.request("GET", "/metrics").text
                if text.contains(#"http_requests_total{route="/v1/evaluate",status="400"} 1"#) { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            #expect(text.contains(#"http_requests_total{route="/v1/evaluate",status="200"} 1"#))
            #expect(text.contains(#"http_requests_total{route="/v1/evaluate",status="400"} 1"#))
            #expect(text.contains("http_request_duration_seconds_bucket"))
            #expect(text.contains("http_requests_in_flight"))
            #expect(text.contains("http_request_bytes_total"))
            #expect(text.contains("http_response_bytes_total"))
            #expect(text.contains(#"evaluation_errors_total{code="invalid_program"} 1"#))
        }
    }

    @Test("the spec and the playground are served")
    func documents() throws {
        try withService { server, _ in
            let spec = try server.request("GET", "/openapi.yaml")
            #expect(spec.status == 200 && spec.text.contains("openapi: \"3.1.0\""))
            #expect(spec.headers["Content-Type"] == "application/yaml")
            let page = try server.request("GET", "/")
            #expect(page.status == 200 && page.text.contains("/v1/evaluate"))
            let head = try server.request("HEAD", "/healthz")
            #expect(head.status == 200 && head.body.isEmpty)
        }
    }

    @Test("unknown paths are 404, wrong methods 405 with Allow, other media types 415, all JSON")
    func httpErrors() throws {
        try withService { server, _ in
            let missing = try server.request("GET", "/v2/evaluate")
            #expect(missing.status == 404 && missing.errorCode == "not_found")
            let wrong = try server.request("GET", "/v1/evaluate")
            #expect(wrong.status == 405 && wrong.errorCode == "method_not_allowed" && wrong.headers["Allow"] == "POST")
            let post = try server.request("POST", "/healthz")
            #expect(post.status == 405 && post.headers["Allow"] == "GET, HEAD")
            let form = try server.request("POST", "/v1/evaluate", body: Array("a=1".utf8),
                                          headers: ["Content-Type: application/x-www-form-urlencoded"])
            #expect(form.status == 415 && form.errorCode == "unsupported_media_type")
            let json = try server.request("POST", "/v1/evaluate", body: Array("{\"steps\":[]}".utf8),
                                          headers: ["Content-Type: application/json; charset=utf-8"])
            #expect(json.status == 200)
            // an empty or parameter-only type is no JSON: 415, not a crash (an empty one trapped)
            for type in ["", ";", " ; charset=utf-8", "\t"] {
                let odd = try server.request("POST", "/v1/evaluate", body: Array("{\"steps\":[]}".utf8),
                                             headers: ["Content-Type:" + type])
                #expect(odd.status == 415 && odd.errorCode == "unsupported_media_type", "Content-Type \(type.debugDescription)")
            }
            for type in ["\tApplication/JSON\t", "application/problem+json ; charset=utf-8", "application/json;"] {
                let good = try server.request("POST", "/v1/evaluate", body: Array("{\"steps\":[]}".utf8),
                                              headers: ["Content-Type:" + type])
                #expect(good.status == 200, "Content-Type \(type.debugDescription)")
            }
            let health = try server.request("GET", "/healthz")
            #expect(health.status == 200)
        }
    }

    @Test("a body that is not JSON is 400 bad_json")
    func badJSON() throws {
        try withService { server, _ in
            let response = try server.evaluate("{\"steps\": [")
            #expect(response.status == 400 && response.errorCode == "bad_json")
        }
    }
}

/// Every limit and error of API.md, and the hostile inputs of the service issue: each answers
/// as stated, fast, and the server keeps answering afterwards.
@Suite("Limits and hostile programs")
struct LimitTests {
    func expectError(_ response: TestResponse, _ status: Int, _ code: String, _ comment: Comment? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, comment, sourceLocation: sourceLocation)
        #expect(response.errorCode == code, "\(response.text.prefix(200))", sourceLocation: sourceLocation)
    }

    @Test("ones of shape [100000, 100000] is limit_exceeded at once, without allocating")
    func hugeTensor() throws {
        try withService { server, _ in
            let elapsed = try measure {
                expectError(try server.evaluate(#"{"steps":[{"out":"x","op":"ones","attrs":{"shape":[100000,100000]}}]}"#),
                            422, "limit_exceeded")
            }
            #expect(elapsed < 1)
            #expect(try server.request("GET", "/healthz").status == 200)
        }
    }

    @Test("elements per tensor: a result past the limit is refused too")
    func elementsOfResults() throws {
        var limits = ProgramLimits()
        limits.maxElements = 1000
        try withService(limits: limits) { server, _ in
            let response = try server.evaluate(#"{"steps":[{"out":"a","op":"ones","inputs":[40]},{"out":"b","op":"outer","inputs":["a","a"]}]}"#)
            expectError(response, 422, "limit_exceeded")
            #expect(response.errorMessage?.contains("1600 elements") == true)
        }
    }

    @Test("bytes held: tensors alive at once past the limit")
    func bytesHeld() throws {
        var limits = ProgramLimits()
        limits.maxBytes = 1 << 20
        try withService(limits: limits) { server, _ in
            let program = #"{"steps":[{"out":"a","op":"ones","inputs":[100000]},{"out":"b","op":"ones","inputs":[100000]},{"out":"c","op":"ones","inputs":[100000]}]}"#
            expectError(try server.evaluate(program), 422, "limit_exceeded")
            let fits = #"{"steps":[{"repeat":10,"do":[{"out":"a","op":"ones","inputs":[100000]}]}],"outputs":[]}"#
            #expect(try server.evaluate(fits).status == 200, "rebinding frees the old tensor")
        }
    }

    @Test("while true is stopped by max_iterations")
    func infiniteLoop() throws {
        try withService { server, _ in
            let response = try server.evaluate(#"{"steps":[{"while":true,"do":[]}]}"#)
            expectError(response, 422, "limit_exceeded")
            #expect(response.errorMessage == "while loop exceeded max_iterations (1000)")
        }
    }

    @Test("a million steps is stopped by the step limit")
    func millionSteps() throws {
        try withService { server, _ in
            let program = #"{"steps":[{"out":"x","op":"ones","inputs":[1]},{"repeat":1000000,"do":[{"out":"x","op":"add","inputs":["x",1]}]}]}"#
            let response = try server.evaluate(program)
            expectError(response, 422, "limit_exceeded")
            #expect(response.errorMessage == "the program executed more than 100000 steps")
        }
    }

    @Test("wall time: a long program is stopped by the time limit")
    func wallTime() throws {
        var limits = ProgramLimits()
        limits.maxDuration = .milliseconds(200)
        limits.maxSteps = 10_000_000
        try withService(limits: limits) { server, _ in
            let program = #"{"steps":[{"out":"x","op":"ones","inputs":[200,200]},{"repeat":1000000,"do":[{"out":"y","op":"mm","inputs":["x","x"]}]}]}"#
            var response: TestResponse?
            let elapsed = try measure { response = try server.evaluate(program) }
            expectError(response!, 422, "limit_exceeded")
            #expect(elapsed < 5)
        }
    }

    @Test("100,000 levels of JSON nesting is a 400, not a stack overflow")
    func deepNesting() throws {
        try withService { server, _ in
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let literal = #"{"steps":[{"out":"x","op":"add","inputs":["# + deep + #",1]}]}"#
            let literalStatus = try server.evaluate(literal).status
            #expect(literalStatus == 400)
            let inline = String(repeating: #"{"op":"neg","inputs":["#, count: 100_000) + "1" + String(repeating: "]}", count: 100_000)
            let inlineStatus = try server.evaluate(#"{"steps":["# + inline + "]}").status
            #expect(inlineStatus / 100 == 4)
            let health = try server.request("GET", "/healthz").status
            #expect(health == 200)
        }
    }

    @Test("a body over the limit is 413 payload_too_large")
    func bodyLimit() throws {
        try withService({ $0.limits.maxBodySize = 1024 }) { server, _ in
            let response = try server.evaluate("{\"steps\":[], \"pad\":\"" + String(repeating: "x", count: 2000) + "\"}")
            expectError(response, 413, "payload_too_large")
        }
    }

    @Test("a failing program leaves nothing behind: the next request starts clean")
    func isolation() throws {
        try withService { server, _ in
            _ = try server.evaluate(#"{"steps":[{"out":"x","op":"ones","inputs":[2]},{"out":"y","op":"mm","inputs":["x","x"]}]}"#)
            let response = try server.evaluate(#"{"steps":[{"out":"z","op":"add","inputs":["x",1]}]}"#)
            expectError(response, 400, "invalid_program")
        }
    }
}
