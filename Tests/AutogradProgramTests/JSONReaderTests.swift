import Foundation
import Testing
@testable import AutogradProgram

/// The request reader: every number read as Python's `json` (torch's reference) reads it, and as
/// strict as Python's about what is JSON.
@Suite("JSON reader")
struct JSONReaderTests {
    static func read(_ text: String) throws -> JSONValue { try JSONReader.read(Array(text.utf8)) }

    @Test("doubles are read correctly rounded, where JSONSerialization is off by an ulp")
    func exactDoubles() throws {
        // each of these JSONSerialization read to a neighbouring double on 2026-11-30
        let spellings = ["0.6278302594656378", "161017.48581935558", "-788328.3940047569", "-2342317.005338244",
                         "2.2250738585072014e-308", "5e-324", "1.7976931348623157e308", "0.1", "-0.0", "1E2", "1e-7"]
        let values = try #require(try Self.read("[" + spellings.joined(separator: ",") + "]").array)
        for (text, value) in zip(spellings, values) {
            let d = try #require(value.double, "\(text) is not read as a double")
            #expect(d.bitPattern == Double(text)!.bitPattern, "\(text) read as \(d)")
        }
        var generator = SystemRandomNumberGenerator()
        let random = (0..<2000).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
        let read = try #require(try Self.read("\(random)").array)
        #expect(zip(random, read).allSatisfy { $0 == $1.double }, "a random double read wrong")
    }

    @Test("integers that fit are exact int64s, the extremes included; larger ones are doubles; 1e400 is infinity")
    func integers() throws {
        let values = try #require(try Self.read("[0, -0, 7, -9223372036854775808, 9223372036854775807, -9223372036854775807, 18446744073709551615, 1e400]").array)
        #expect(values[0].int64 == 0 && values[1].int64 == 0 && values[2].int64 == 7)
        #expect(values[3].int64 == .min && values[4].int64 == .max && values[5].int64 == -9223372036854775807)
        #expect(values[6].double == 18446744073709551615.0)
        #expect(values[7].double == .infinity)
    }

    @Test("strings: escapes, surrogate pairs, UTF-8; objects: the last of repeated keys wins")
    func stringsAndObjects() throws {
        #expect(try Self.read(#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é""#).string == "a\"b\\c/d\u{8}\u{c}\n\r\t\u{e9}😀é")
        // a lone surrogate, which Python's json keeps, is U+FFFD
        #expect(try Self.read(#""a\ud800b\udc00\ud800\u0041""#).string == "a\u{FFFD}b\u{FFFD}\u{FFFD}A")
        guard case .object(let object) = try Self.read(#"{"a": 1, "b": [true, false, null], "a": 2}"#) else {
            Issue.record("an object is not read as an object")
            return
        }
        #expect(object["a"]?.int64 == 2)
        #expect(object.keys == ["a", "b"])
        let list = try #require(object["b"]?.array)
        guard case .bool(true) = list[0], case .bool(false) = list[1], case .null = list[2] else {
            Issue.record("true, false and null read as \(list)")
            return
        }
        // past sixteen members the keys are told apart by hashing: the same answer
        let many = (0..<40).map { "\"k\($0 % 20)\": \($0)" }.joined(separator: ", ")
        guard case .object(let large) = try Self.read("{" + many + "}") else {
            Issue.record("an object is not read as an object")
            return
        }
        #expect(large.keys == (0..<20).map { "k\($0)" })
        #expect(large["k3"]?.int64 == 23)
    }

    @Test("nesting up to 512 levels is read, deeper is refused")
    func nesting() throws {
        _ = try Self.read(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        #expect(throws: JSONReader.Failure.self) {
            try Self.read(String(repeating: "[", count: 513) + String(repeating: "]", count: 513))
        }
    }

    @Test("what Python's json refuses is refused, each with where it was found")
    func refusals() throws {
        let bad = ["", " ", "[1,2,]", "{\"a\":1,}", "01", "-", "1.", ".5", "1e", "+1", "\u{FEFF}[1]", "[\"a\u{01}\"]",
                   "\"\\q\"", "\"abc", "{\"a\" 1}", "{1: 2}", "nul", "truex", "[1] [2]",
                   "NaN", "Infinity", "'a'"]
        for text in bad {
            #expect(throws: JSONReader.Failure.self, "\(text.debugDescription) was read") { try Self.read(text) }
        }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read([0x22, 0xFF, 0x22]) }   // not UTF-8
        // strings without escapes: ASCII taken as it is, anything past it still validated
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read([0x22, 0x61, 0xC3, 0x22]) }   // cut short
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read([0x22, 0xED, 0xA0, 0x80, 0x22]) }   // a surrogate
        #expect(try JSONReader.read(Array("\"héllo, wörld\"".utf8)).string == "héllo, wörld")
        #expect(try Self.read(#"{"op":"add"}"#).object?["op"]?.string == "add")
        let failure = #expect(throws: JSONReader.Failure.self) { try Self.read("[1, 2,]") }
        #expect(failure?.description == "unexpected character ']' at byte 6")
    }

    @Test("a float64 literal is the tensor torch is given")
    func literalThroughEvaluator() throws {
        let answer = Evaluator().evaluate(Array(#"{"steps":[{"out":"x","op":"tensor","attrs":{"data":[0.6278302594656378,-2342317.005338244],"dtype":"float64"}}]}"#.utf8))
        #expect(answer.status == 200)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("[0.6278302594656378,-2342317.005338244]"))
    }
}

/// What the tests read out of a tree.
extension JSONValue {
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    var object: JSONObject? { if case .object(let members) = self { members } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var double: Double? { if case .double(let d) = self { d } else { nil } }
    var int64: Int64? { if case .int64(let i) = self { i } else { nil } }
}
