/// Percent-decoding of request-target components (RFC 3986 §2.1).
enum PercentDecoding {
    /// Decodes `%XX` escapes in `bytes`; with `plusAsSpace`, `+` becomes a space as in
    /// `application/x-www-form-urlencoded` query items.
    ///
    /// Rejects (400) a `%` not followed by two hex digits, a decoded NUL (it would truncate the
    /// value in any C API downstream) and a result that is not valid UTF-8.
    static func decode(_ bytes: UnsafeRawBufferPointer, plusAsSpace: Bool = false) throws(HTTPError) -> String {
        let table = ByteClass.table
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) else {
            return try validated(bytes)
        }
        var decoded = [UInt8]()
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                // RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG
                guard index + 2 < bytes.count,
                      table[Int(bytes[index + 1])] & ByteClass.hex != 0,
                      table[Int(bytes[index + 2])] & ByteClass.hex != 0
                else { throw .badRequest("invalid percent-escape in the request target") }
                let value = UInt8(ByteClass.hexValue(bytes[index + 1]) << 4 | ByteClass.hexValue(bytes[index + 2]))
                guard value != 0 else { throw .badRequest("percent-encoded NUL in the request target") }
                decoded.append(value)
                index += 3
            } else {
                decoded.append(plusAsSpace && byte == UInt8(ascii: "+") ? .space : byte)
                index += 1
            }
        }
        return try validated(decoded)
    }

    private static func validated(_ bytes: some Sequence<UInt8>) throws(HTTPError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw .badRequest("the decoded request target is not valid UTF-8")
        }
        return string
    }
}
