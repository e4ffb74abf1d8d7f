import Foundation

/// A golden case of `../shared/conformance/cases`: a program and torch's answer to it.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    public let name: String
    public let about: String
    /// The program, as JSON bytes to post.
    public let program: Data
    public let expectedStatus: Int
    let expectedBody: JSONValue
    let messageContains: String?
    let compare: JSONValue?

    public var description: String { name }

    /// The cases directory: `../shared/conformance/cases` beside the package, or
    /// `$CONFORMANCE_CASES`.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["CONFORMANCE_CASES"] {
            return URL(fileURLWithPath: override)
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/cases")
    }

    /// Every case, sorted by name; empty when the directory is missing (a separate test
    /// insists that it is there).
    public static func all() -> [ConformanceCase] { all(in: directory) }

    /// Every case of a folder of case files, sorted by name (the torch fixtures of
    /// `Tests/Fixtures/cases` have the same format).
    public static func all(in folder: URL) -> [ConformanceCase] {
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .compactMap { try? ConformanceCase(file: $0) }
    }

    init(file: URL) throws {
        let bytes = try Data(contentsOf: file)
        let object = try JSONSerialization.jsonObject(with: bytes) as! [String: Any]
        name = object["name"] as! String
        about = object["about"] as? String ?? ""
        // posted as the file spells it: Foundation's writer would turn -0.0 into -0
        program = try Self.rawMember("program", of: [UInt8](bytes)) ?? JSONSerialization.data(withJSONObject: object["program"]!)
        let expected = object["expected"] as! [String: Any]
        expectedStatus = (expected["status"] as! NSNumber).intValue
        expectedBody = JSONValue(expected["body"]!)
        messageContains = object["message_contains"] as? String
        compare = object["compare"].map(JSONValue.init)
    }

    /// The text of a member of the file's top-level object, as written.
    static func rawMember(_ key: String, of bytes: [UInt8]) -> Data? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var i = 0, depth = 0
        /// Moves past the string starting at `i`; answers its contents.
        func string() -> ArraySlice<UInt8> {
            let start = i + 1
            i += 1
            while i < bytes.count && bytes[i] != quote { i += bytes[i] == backslash ? 2 : 1 }
            i += 1
            return bytes[start..<min(i - 1, bytes.count)]
        }
        while i < bytes.count {
            switch bytes[i] {
            case quote:
                let text = string()
                guard depth == 1 else { continue }
                var j = i
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D || bytes[j] == 0x09 { j += 1 }
                guard j < bytes.count, bytes[j] == UInt8(ascii: ":"), Array(text) == Array(key.utf8) else { continue }
                i = j + 1
                while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
                let start = i
                var level = 0
                while i < bytes.count {
                    let b = bytes[i]
                    if b == quote { _ = string(); continue }
                    if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { level += 1 }
                    if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                        if level == 0 { break }
                        level -= 1
                    }
                    if b == UInt8(ascii: ",") && level == 0 { break }
                    i += 1
                }
                return Data(bytes[start..<i])
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1; i += 1
            default: i += 1
            }
        }
        return nil
    }

    /// Compares an answer with torch's by `reference/README.md`'s rules; answers the first
    /// mismatch, or nil when the answer conforms.
    public func mismatch(status: Int, body: Data) -> String? {
        guard let parsed = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return "status \(status), body is not JSON: \(String(decoding: body.prefix(120), as: UTF8.self))"
        }
        let actual = JSONValue(parsed)
        do {
            try check(status: status, actual)
            return nil
        } catch let error as Mismatch {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    private func check(status: Int, _ actual: JSONValue) throws {
        if status != expectedStatus {
            throw Mismatch("status: expected \(expectedStatus), got \(status) (\(actual.compact.prefix(200)))")
        }
        if case .object(let expectedObject) = expectedBody, case .object(let error)? = expectedObject["error"] {
            guard case .object(let got)? = actual["error"] else { throw Mismatch("expected an error body, got \(actual.compact.prefix(200))") }
            if got["code"] != error["code"] { throw Mismatch("error.code: expected \(error["code"]!.compact), got \(got["code"]?.compact ?? "nothing")") }
            if let phrase = messageContains {
                guard case .string(let message)? = got["message"], message.lowercased().contains(phrase.lowercased()) else {
                    throw Mismatch("error.message should contain \"\(phrase)\", got \(got["message"]?.compact ?? "nothing")")
                }
            }
            if case .string(let step)? = error["step"] {
                guard case .string(let gotStep)? = got["step"], gotStep == step || gotStep.hasPrefix(step + ".") || gotStep.hasPrefix(step + "[") else {
                    throw Mismatch("error.step: expected \(step), got \(got["step"]?.compact ?? "nothing")")
                }
            }
            return
        }
        guard case .object(let expectedOutputs)? = expectedBody["outputs"] else { return }
        guard case .object(let outputs)? = actual["outputs"] else { throw Mismatch("no outputs in \(actual.compact.prefix(200))") }
        if Set(outputs.keys) != Set(expectedOutputs.keys) {
            throw Mismatch("output names: expected \(expectedOutputs.keys.sorted()), got \(outputs.keys.sorted())")
        }
        for (name, expected) in expectedOutputs {
            try compareOutput(name, expected, outputs[name]!)
        }
        if let expectedGraph = expectedBody["graph"] {
            guard let graph = actual["graph"] else { throw Mismatch("graph: missing") }
            try compareGraph(expectedGraph, graph)
        }
    }

    private func shapeOnly(_ name: String) -> Bool {
        switch compare {
        case .string("shape_only")?: true
        case .object(let modes)?: modes[name] == .string("shape_only")
        default: false
        }
    }

    private func compareOutput(_ name: String, _ expected: JSONValue, _ actual: JSONValue) throws {
        let at = "outputs.\(name)"
        if expected == .null || actual == .null {
            if expected != actual { throw Mismatch("\(at): expected \(expected.compact), got \(actual.compact)") }
            return
        }
        if let value = expected["value"] {
            guard let got = actual["value"] else { throw Mismatch("\(at): expected {\"value\": …}, got \(actual.compact.prefix(80))") }
            try compareValue(value, got, at + ".value")
            return
        }
        for key in ["dtype", "shape", "requires_grad", "is_leaf", "grad_fn"] where actual[key] != expected[key] {
            throw Mismatch("\(at).\(key): expected \(expected[key]?.compact ?? "?"), got \(actual[key]?.compact ?? "<missing>")")
        }
        guard let data = actual["data"], let grad = actual["grad"] else { throw Mismatch("\(at): 'data' and 'grad' are required") }
        if (expected["grad"] == .null) != (grad == .null) {
            throw Mismatch("\(at).grad: expected \(expected["grad"] == .null ? "null" : "a gradient"), got \(grad == .null ? "null" : "a gradient")")
        }
        guard case .string(let dtype)? = expected["dtype"], case .array(let shapeValues)? = expected["shape"] else { return }
        let shape = shapeValues.compactMap(\.number).map { Int($0) }
        if shapeOnly(name) { return }
        try compareData(expected["data"]!, data, dtype: dtype, shape: shape, at + ".data")
        if grad != .null { try compareData(expected["grad"]!, grad, dtype: dtype, shape: shape, at + ".grad") }
    }

    static let tolerances: [String: (rtol: Double, atol: Double)] = [
        "float32": (1e-4, 1e-5), "float64": (1e-9, 1e-12), "float16": (1e-2, 1e-3), "bfloat16": (2e-2, 1e-2),
    ]

    private func compareData(_ expected: JSONValue, _ actual: JSONValue, dtype: String, shape: [Int], _ at: String) throws {
        let e = try flatten(expected, shape: shape, dtype: dtype, at + " (expected)")
        let a = try flatten(actual, shape: shape, dtype: dtype, at)
        for (k, (ev, av)) in zip(e, a).enumerated() {
            let ok: Bool
            if dtype == "bool" {
                ok = av == ev && av.isBool
            } else if let tol = Self.tolerances[dtype] {
                ok = close(try number(av, at), try number(ev, at), tol)
            } else {
                ok = !av.isBool && av.number != nil && av.number == ev.number
            }
            if !ok { throw Mismatch("\(at): first difference at flat index \(k): expected \(ev.compact), got \(av.compact)") }
        }
    }

    private func flatten(_ value: JSONValue, shape: [Int], dtype: String, _ at: String) throws -> [JSONValue] {
        if case .string(let s) = value, !["NaN", "Infinity", "-Infinity"].contains(s) {
            guard let bytes = Data(base64Encoded: s) else { throw Mismatch("\(at): cannot decode base64") }
            return try decodeBase64(bytes, dtype: dtype, count: shape.reduce(1, *), at)
        }
        if shape.isEmpty {
            if case .array = value { throw Mismatch("\(at): a 0-d tensor's data is a bare number, got a list") }
            return [value]
        }
        guard case .array(let items) = value, items.count == shape[0] else {
            throw Mismatch("\(at): expected a list of \(shape[0]), got \(value.compact.prefix(60))")
        }
        return try items.enumerated().flatMap { i, item in try flatten(item, shape: Array(shape.dropFirst()), dtype: dtype, "\(at)[\(i)]") }
    }

    private func decodeBase64(_ bytes: Data, dtype: String, count: Int, _ at: String) throws -> [JSONValue] {
        let width = ["float32": 4, "float64": 8, "int64": 8, "bool": 1][dtype] ?? 0
        guard width > 0, bytes.count == width * count else { throw Mismatch("\(at): base64 holds \(bytes.count) bytes for \(count) \(dtype) elements") }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i -> JSONValue in
                switch dtype {
                case "float32": .number(Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)), float: true)
                case "float64": .number(Double(bitPattern: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self).littleEndian), float: true)
                case "int64": .number(Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))), float: false)
                default: .bool(raw[i] != 0)
                }
            }
        }
    }

    private func number(_ v: JSONValue, _ at: String) throws -> Double {
        switch v {
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .number(let d, _): return d
        default: throw Mismatch("\(at): \(v.compact) is not a number")
        }
    }

    private func close(_ a: Double, _ e: Double, _ tol: (rtol: Double, atol: Double)) -> Bool {
        if a.isNaN || e.isNaN { return a.isNaN && e.isNaN }
        if a.isInfinite || e.isInfinite { return a == e }
        return abs(a - e) <= tol.atol + tol.rtol * abs(e)
    }

    private func compareValue(_ expected: JSONValue, _ actual: JSONValue, _ at: String) throws {
        switch expected {
        case .array(let items):
            guard case .array(let got) = actual, got.count == items.count else { throw Mismatch("\(at): expected \(expected.compact), got \(actual.compact)") }
            for (i, (e, a)) in zip(items, got).enumerated() { try compareValue(e, a, "\(at)[\(i)]") }
        case .bool, .null:
            if expected != actual { throw Mismatch("\(at): expected \(expected.compact), got \(actual.compact)") }
        case .number(let e, false) where e == e.rounded():
            if actual.number != e || actual.isBool { throw Mismatch("\(at): expected \(expected.compact), got \(actual.compact)") }
        default:
            if !close(try number(actual, at), try number(expected, at), Self.tolerances["float32"]!) {
                throw Mismatch("\(at): expected \(expected.compact), got \(actual.compact)")
            }
        }
    }

    private func compareGraph(_ expected: JSONValue, _ actual: JSONValue) throws {
        func summary(_ graph: JSONValue) -> ([String], [String]) {
            var names: [Double: String] = [:]
            var nodeNames: [String] = []
            if case .array(let nodes)? = graph["nodes"] {
                for node in nodes {
                    if let id = node["id"]?.number, case .string(let name)? = node["name"] { names[id] = name; nodeNames.append(name) }
                }
            }
            var edges: [String] = []
            if case .array(let list)? = graph["edges"] {
                for edge in list {
                    let from = edge["from"]?.number.flatMap { names[$0] } ?? "?"
                    let to = edge["to"]?.number.flatMap { names[$0] } ?? "?"
                    edges.append("\(from)->\(to)#\(edge["input_nr"]?.number ?? -1)")
                }
            }
            return (nodeNames.sorted(), edges.sorted())
        }
        let (en, ee) = summary(expected), (an, ae) = summary(actual)
        if en != an { throw Mismatch("graph nodes: expected \(en), got \(an)") }
        if ee != ae { throw Mismatch("graph edges: expected \(ee), got \(ae)") }
    }
}

struct Mismatch: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A JSON value with equality, from JSONSerialization's output (booleans told apart).
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double, float: Bool)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(_ any: Any) {
        switch any {
        case let n as NSNumber:
            let type = String(cString: n.objCType)
            if type == "c" { self = .bool(n.boolValue) } else { self = .number(n.doubleValue, float: type == "d" || type == "f") }
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map(JSONValue.init))
        case let o as [String: Any]: self = .object(o.mapValues(JSONValue.init))
        default: self = .null
        }
    }

    public static func == (l: JSONValue, r: JSONValue) -> Bool {
        switch (l, r) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a, _), .number(let b, _)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var number: Double? {
        if case .number(let d, _) = self { return d }
        return nil
    }

    var isBool: Bool {
        if case .bool = self { return true }
        return false
    }

    var isFloatLiteral: Bool {
        if case .number(_, let float) = self { return float }
        return false
    }

    var compact: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let d, _): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): "\"\(s)\""
        case .array(let a): "[" + a.map(\.compact).joined(separator: ", ") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\"\($0)\": \(o[$0]!.compact)" }.joined(separator: ", ") + "}"
        }
    }
}
