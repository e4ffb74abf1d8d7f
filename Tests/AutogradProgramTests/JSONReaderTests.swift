import Foundation
import Testing
@testable import AutogradProgram

/// The request reader: every number read as Python's `json` (torch's reference) reads it, and as
/// strict as Python's about what is JSON.
@Suite("JSON reader")
struct JSONReaderTests {
    static func read(_ text: String) throws -> Any { try JSONReader.read(Array(text.utf8)) }

    @Test("doubles are read correctly rounded, where JSONSerialization is off by an ulp")
    func exactDoubles() throws {
        // each of these JSONSerialization read to a neighbouring double on 2026-11-30
        let spellings = ["0.6278302594656378", "161017.48581935558", "-788328.3940047569", "-2342317.005338244",
                         "2.2250738585072014e-308", "5e-324", "1.7976931348623157e308", "0.1", "-0.0", "1E2", "1e-7"]
        let values = try #require(try Self.read("[" + spellings.joined(separator: ",") + "]") as? [Any])
        for (text, value) in zip(spellings, values) {
            let d = try #require(value as? Double, "\(text) is not read as a double")
            #expect(d.bitPattern == Double(text)!.bitPattern, "\(text) read as \(d)")
        }
        var generator = SystemRandomNumberGenerator()
        let random = (0..<2000).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
        let read = try #require(try Self.read("\(random)") as? [Any])
        #expect(zip(random, read).allSatisfy { $0 == ($1 as? Double) }, "a random double read wrong")
    }

    @Test("integers that fit are exact int64s, the extremes included; larger ones are doubles; 1e400 is infinity")
    func integers() throws {
        let values = try #require(try Self.read("[0, -0, 7, -9223372036854775808, 9223372036854775807, -9223372036854775807, 18446744073709551615, 1e400]") as? [Any])
        #expect(values[0] as? Int64 == 0 && values[1] as? Int64 == 0 && values[2] as? Int64 == 7)
        #expect(values[3] as? Int64 == .min && values[4] as? Int64 == .max && values[5] as? Int64 == -9223372036854775807)
        #expect(values[6] as? Double == 18446744073709551615.0)
        #expect(values[7] as? Double == .infinity)
    }

    @Test("strings: escapes, surrogate pairs, UTF-8; objects: the last of repeated keys wins")
    func stringsAndObjects() throws {
        #expect(try Self.read(#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é""#) as? String == "a\"b\\c/d\u{8}\u{c}\n\r\t\u{e9}😀é")
        // a lone surrogate, which Python's json keeps, is U+FFFD
        #expect(try Self.read(#""a\ud800b\udc00\ud800\u0041""#) as? String == "a\u{FFFD}b\u{FFFD}\u{FFFD}A")
        let object = try #require(try Self.read(#"{"a": 1, "b": [true, false, null], "a": 2}"#) as? [String: Any])
        #expect(object["a"] as? Int64 == 2)
        let list = try #require(object["b"] as? [Any])
        #expect(list[0] as? Bool == true && list[1] as? Bool == false && list[2] is JSONNull)
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
        #expect(try JSONReader.read(Array("\"héllo, wörld\"".utf8)) as? String == "héllo, wörld")
        #expect(try JSONReader.read(Array("{\"op\":\"add\"}".utf8)) as? [String: String] == ["op": "add"])
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
