#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a request body as JSON (RFC 8259) into the tree the program decoder walks
/// (`JSONValue`).
///
/// Foundation's `JSONSerialization` reads many decimals to a neighbouring double: on
/// 2026-11-30 it misread 39 % of Swift's shortest spellings of random doubles
/// (`0.6278302594656378` became `0.6278302594656376`), so a float64 tensor sent by a client
/// was not the tensor torch is given; its `JSONDecoder` reads them right but builds no
/// untyped tree. This reader takes every number correctly rounded, or as an exact integer, and
/// is as strict as Python's `json` (the reference's reader): no trailing commas, no byte order
/// mark, nesting at most 512 deep (a lone surrogate escape, which Python keeps, reads as U+FFFD).
struct JSONReader {
    /// The failure to read, with the byte offset it was found at.
    struct Failure: Error, CustomStringConvertible {
        let reason: String
        let offset: Int
        var description: String { "\(reason) at byte \(offset)" }
    }

    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    /// The value `body` holds (anything, as JSONSerialization's `.fragmentsAllowed`).
    static func read(_ body: [UInt8]) throws(Failure) -> JSONValue {
        try body.withUnsafeBufferPointer { (buffer) throws(Failure) -> JSONValue in
            var reader = JSONReader(bytes: buffer)
            reader.skipSpace()
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.i == buffer.count else { throw reader.failure("unexpected data after the value") }
            return value
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func failure(_ reason: String) -> Failure { Failure(reason: reason, offset: i) }

    private var atEnd: Bool { i >= bytes.count }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard !atEnd else { throw failure("unexpected end of the body") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return .object(try object(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try array(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default:
            let b = bytes[i]
            throw failure(b >= 0x20 && b < 0x7F ? "unexpected character '\(Unicode.Scalar(b))'" : "unexpected byte 0x\(String(b, radix: 16, uppercase: true))")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, n) == 0 else {
            throw failure("invalid literal")
        }
        i += n
    }

    private mutating func array(depth: Int) throws(Failure) -> [JSONValue] {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
        i += 1
        var elements: [JSONValue] = []
        skipSpace()
        if !atEnd, bytes[i] == UInt8(ascii: "]") { i += 1; return elements }
        while true {
            skipSpace()
            elements.append(try value(depth: depth))
            skipSpace()
            guard !atEnd else { throw failure("unexpected end of the body in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return elements }
            throw failure("expected ',' or ']'")
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONObject {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
        i += 1
        skipSpace()
        var members = JSONObject()
        if !atEnd, bytes[i] == UInt8(ascii: "}") { i += 1; return members }
        while true {
            skipSpace()
            guard !atEnd, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try string()
            skipSpace()
            guard !atEnd, bytes[i] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            i += 1
            skipSpace()
            members.append(key, try value(depth: depth))
            skipSpace()
            guard !atEnd else { throw failure("unexpected end of the body in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return members }
            throw failure("expected ',' or '}'")
        }
    }

    private mutating func string() throws(Failure) -> String {
        i += 1
        let start = i
        // the common case: no escapes, read in place
        var high: UInt8 = 0   // any byte past ASCII
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 {
            high |= bytes[i] & 0x80
            i += 1
        }
        guard !atEnd else { throw failure("unterminated string") }
        if bytes[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            let units = UnsafeBufferPointer(rebasing: bytes[start..<i])
            // ASCII is valid UTF-8 as it stands; `String(validating:as:)` is generic and looks its
            // metadata up at every call, a third of a short key's cost
            return high == 0 ? String(decoding: units, as: UTF8.self) : try utf8(units)
        }
        var units = Array(bytes[start..<i])
        while true {
            guard !atEnd else { throw failure("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            guard b >= 0x20 else { throw failure("unescaped control character in a string") }
            guard b == UInt8(ascii: "\\") else { units.append(b); i += 1; continue }
            i += 1
            guard !atEnd else { throw failure("unterminated string") }
            let escaped = bytes[i]
            i += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): units.append(escaped)
            case UInt8(ascii: "b"): units.append(0x08)
            case UInt8(ascii: "f"): units.append(0x0C)
            case UInt8(ascii: "n"): units.append(0x0A)
            case UInt8(ascii: "r"): units.append(0x0D)
            case UInt8(ascii: "t"): units.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= bytes.count,
                   bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    // a surrogate pair, when a low surrogate follows
                    let mark = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = mark
                    }
                }
                // Python's json keeps a lone surrogate, which no Swift string can hold: it
                // becomes U+FFFD (a name holding it is no valid name either way)
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                units.append(contentsOf: String(Character(character)).utf8)
            default:
                throw failure("invalid escape in a string")
            }
        }
        return try units.withUnsafeBufferPointer { (buffer) throws(Failure) in try utf8(buffer) }
    }

    private func utf8(_ units: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
        guard let s = String(validating: units, as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
        return s
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw failure("unterminated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            v = v << 4 | UInt32(digit)
            i += 1
        }
        return v
    }

    /// RFC 8259's number: an integer that fits is an exact `Int64`, anything else a `Double`
    /// correctly rounded (beyond the double range, an infinity, as Python's `json` reads it).
    private mutating func number() throws(Failure) -> JSONValue {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard !atEnd, isDigit(bytes[i]) else { throw failure("invalid number") }
        var magnitude: UInt64 = 0, overflow = false
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if !atEnd, isDigit(bytes[i]) { throw failure("number with a leading zero") }
        } else {
            while !atEnd, isDigit(bytes[i]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = sum
                i += 1
            }
        }
        var integral = true
        if !atEnd, bytes[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard !atEnd, isDigit(bytes[i]) else { throw failure("invalid number") }
            while !atEnd, isDigit(bytes[i]) { i += 1 }
        }
        if !atEnd, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if !atEnd, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard !atEnd, isDigit(bytes[i]) else { throw failure("invalid number") }
            while !atEnd, isDigit(bytes[i]) { i += 1 }
        }
        if integral && !overflow {
            if !negative, magnitude <= UInt64(Int64.max) { return .int64(Int64(magnitude)) }
            if negative, magnitude <= UInt64(Int64.max) + 1 { return .int64(magnitude == 0 ? 0 : Int64(truncatingIfNeeded: 0 &- magnitude)) }
        }
        // Swift's reading of a decimal: correctly rounded, in no locale ('.' whatever the process's)
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        return .double(Double(text) ?? (negative ? -Double.infinity : .infinity))
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}

/// A JSON value as `JSONReader` reads it: a number as spelled (an integer that fits int64, or
/// a correctly rounded double), an object as its members in body order.
enum JSONValue {
    case null
    case bool(Bool)
    case int64(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object: its members in body order, a repeated key's last value winning, as in
/// Python's `json`. A program's objects have a handful of members, so a lookup compares keys
/// instead of hashing them (hashing and dictionary storage were a quarter of a small
/// program's decoding).
struct JSONObject {
    private(set) var members: [(key: String, value: JSONValue)] = []

    mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    /// The value of `key` (its last, when repeated), or nil.
    subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }

    /// The first in sorted order of the keys that satisfy `isIncluded` (an unknown field to
    /// report), found without collecting the keys.
    func firstKey(sortedAmong isIncluded: (String) -> Bool) -> String? {
        var first: String?
        for member in members where isIncluded(member.key) && first.map({ member.key < $0 }) ?? true { first = member.key }
        return first
    }

    /// Each key once, in order of first appearance.
    var keys: [String] {
        if members.count <= 16 {
            var keys: [String] = []
            for member in members where !keys.contains(member.key) { keys.append(member.key) }
            return keys
        }
        var seen = Set<String>()
        return members.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }
}
