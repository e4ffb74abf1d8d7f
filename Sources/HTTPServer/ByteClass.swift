import Glibc

/// 256-entry lookup tables classifying bytes for the parser: one load and one mask per byte
/// instead of a chain of range comparisons.
enum ByteClass {
    /// tchar (RFC 9110 §5.6.2): `!#$%&'*+-.^_`|~`, digits and letters. Methods and field names.
    static let token: UInt8 = 1 << 0
    /// field-content bytes (RFC 9110 §5.5): VCHAR, obs-text (0x80–0xFF), SP and HTAB; no CTLs.
    static let fieldValue: UInt8 = 1 << 1
    /// request-target bytes (RFC 9112 §3.2 via RFC 3986): visible ASCII 0x21–0x7E.
    static let target: UInt8 = 1 << 2
    /// HEXDIG: chunk sizes (RFC 9112 §7.1) and percent-escapes (RFC 3986 §2.1).
    static let hex: UInt8 = 1 << 3
    /// Host field bytes (RFC 9110 §7.2, RFC 3986 §3.2.2): unreserved, sub-delims, `%`, `:`, `[`, `]`.
    static let host: UInt8 = 1 << 4

    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        func mark(_ bytes: some Sequence<UInt8>, _ flag: UInt8) {
            for byte in bytes { table[Int(byte)] |= flag }
        }
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let lower = UInt8(ascii: "a")...UInt8(ascii: "z")
        let upper = UInt8(ascii: "A")...UInt8(ascii: "Z")
        for range in [digits, lower, upper] { mark(range, token); mark(range, host) }
        mark("!#$%&'*+-.^_`|~".utf8, token)
        mark(0x21...0x7E, fieldValue)
        mark(0x80...0xFF, fieldValue)
        mark([0x20, 0x09], fieldValue)
        mark(0x21...0x7E, target)
        mark(digits, hex)
        mark(UInt8(ascii: "a")...UInt8(ascii: "f"), hex)
        mark(UInt8(ascii: "A")...UInt8(ascii: "F"), hex)
        mark("-._~!$&'()*+,;=%:[]".utf8, host)
        return table
    }()

    /// The value of a hex digit byte; only meaningful when the byte has the `hex` class.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte &- UInt8(ascii: "a") &+ 10)
        default: Int(byte &- UInt8(ascii: "A") &+ 10)
        }
    }
}

/// Byte constants used across the parser.
extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
}

extension UnsafeRawBufferPointer {
    /// The offset of the first LF at or after `start`, or nil; memchr scans a word at a time.
    func firstLineFeed(from start: Int) -> Int? {
        guard start < count, let base = baseAddress, let found = memchr(base + start, Int32(UInt8.lf), count - start) else {
            return nil
        }
        return base.distance(to: UnsafeRawPointer(found))
    }
}
