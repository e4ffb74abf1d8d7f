/// Appends JSON to a byte buffer: the answer is written directly, without an intermediate tree.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// A JSON string, escaped.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for unit in s.utf8 {
            switch unit {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(hex(unit >> 4))
                bytes.append(hex(unit & 0xF))
            default: bytes.append(unit)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func hex(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }

    /// `"key":`
    mutating func key(_ k: String) {
        string(k)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func integer(_ v: Int64) { bytes.append(contentsOf: String(v).utf8) }

    mutating func bool(_ v: Bool) { v ? raw("true") : raw("false") }

    mutating func null() { raw("null") }

    /// The shortest decimal that reads back to the same float32, or API.md's string for NaN
    /// and the infinities.
    mutating func float32(_ v: Float) {
        if v.isFinite { bytes.append(contentsOf: v.description.utf8) } else { nonFinite(Double(v)) }
    }

    /// The shortest decimal that reads back to the same float64.
    mutating func float64(_ v: Double) {
        if v.isFinite { bytes.append(contentsOf: v.description.utf8) } else { nonFinite(v) }
    }

    private mutating func nonFinite(_ v: Double) {
        if v.isNaN { raw("\"NaN\"") } else if v > 0 { raw("\"Infinity\"") } else { raw("\"-Infinity\"") }
    }
}
