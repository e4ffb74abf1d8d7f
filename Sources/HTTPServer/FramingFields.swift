/// The header fields that decide framing, persistence and validity, gathered from the raw
/// bytes during the parser's single pass over the header section.
///
/// Looking each of them up afterwards would rescan every field once per name and allocate
/// arrays of values; here each field line is classified once by its length and bytes.
struct FramingFields {
    private var hostCount = 0
    private var hostIsValid = true
    private var contentLengthSeen = false
    private var contentLength: Int?
    private var contentLengthError: String?
    private var transferEncodingSeen = false
    private var transferCodings = 0
    private var chunkedCodings = 0
    private var unknownCoding: String?
    private(set) var connectionClose = false
    private(set) var connectionKeepAlive = false
    private(set) var expectsContinue = false

    /// Notes one field line if its name is one the parser cares about.
    mutating func record(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        switch name.count {
        case 4 where Self.equalsLowercase(name, "host"):
            hostCount += 1
            // RFC 9110 §7.2: Host = uri-host [ ":" port ]; anything else is an invalid value.
            let table = ByteClass.table
            if value.contains(where: { table[Int($0)] & ByteClass.host == 0 }) { hostIsValid = false }
        case 6 where Self.equalsLowercase(name, "expect"):
            // RFC 9110 §10.1.1: the only expectation defined is "100-continue", case-insensitive.
            if Self.equalsLowercase(value, "100-continue") { expectsContinue = true }
        case 10 where Self.equalsLowercase(name, "connection"):
            Self.forEachElement(of: value) { option in
                if Self.equalsLowercase(option, "close") { connectionClose = true }
                if Self.equalsLowercase(option, "keep-alive") { connectionKeepAlive = true }
            }
        case 14 where Self.equalsLowercase(name, "content-length"):
            contentLengthSeen = true
            Self.forEachElement(of: value, keepingEmpty: true) { recordContentLength($0) }
        case 17 where Self.equalsLowercase(name, "transfer-encoding"):
            transferEncodingSeen = true
            Self.forEachElement(of: value) { coding in
                transferCodings += 1
                if Self.equalsLowercase(coding, "chunked") {
                    chunkedCodings += 1
                } else if unknownCoding == nil {
                    unknownCoding = String(decoding: coding, as: UTF8.self)
                }
            }
        default:
            break
        }
    }

    private mutating func recordContentLength(_ digits: UnsafeRawBufferPointer) {
        guard contentLengthError == nil else { return }
        // RFC 9110 §8.6: Content-Length = 1*DIGIT; no sign, no inner space, no overflow.
        guard !digits.isEmpty else { return contentLengthError = "invalid Content-Length" }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return contentLengthError = "invalid Content-Length" }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return contentLengthError = "Content-Length overflows" }
            value = sum
        }
        // RFC 9112 §6.3 rule 5: a list of identical values is accepted as that value; differing
        // ones are an unrecoverable framing error.
        if let contentLength, contentLength != value { return contentLengthError = "conflicting Content-Length values" }
        contentLength = value
    }

    /// RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any
    /// HTTP/1.1 request message that lacks a Host header field and to any request message that
    /// contains more than one Host header field line or a Host header field with an invalid
    /// field value."
    func validateHost(version: HTTPVersion) throws(HTTPError) {
        guard hostCount <= 1 else { throw .badRequest("more than one Host header field") }
        guard hostCount == 1 || version.minor == 0 else { throw .badRequest("missing Host header field") }
        guard hostIsValid else { throw .badRequest("invalid Host header field") }
    }

    /// Decides the body framing from Content-Length and Transfer-Encoding (RFC 9112 §6.3).
    func framing(version: HTTPVersion, maxBodySize: Int) throws(HTTPError) -> HTTPBodyFraming {
        if transferEncodingSeen {
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
            guard version.minor >= 1 else { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            // RFC 9112 §6.1: a request with both may be rejected, and the server MUST close the
            // connection after responding (request smuggling, RFC 9112 §11.2).
            guard !contentLengthSeen else { throw .badRequest("both Content-Length and Transfer-Encoding") }
            // RFC 9112 §6.1: a server that receives a transfer coding it does not understand
            // SHOULD respond with 501.
            if let unknownCoding { throw .notImplemented("the \(unknownCoding) transfer coding") }
            // RFC 9112 §6.1: chunked MUST NOT be applied more than once; the list is not empty.
            guard chunkedCodings == 1 else { throw .badRequest("invalid Transfer-Encoding") }
            return .chunked
        }
        if contentLengthSeen {
            if let contentLengthError { throw .badRequest(contentLengthError) }
            let length = contentLength ?? 0
            // RFC 9110 §15.5.14: 413 from the declared length, before reading any of the body.
            guard length <= maxBodySize else { throw .payloadTooLarge }
            return length == 0 ? .none : .contentLength(length)
        }
        return .none  // RFC 9112 §6.3 rule 7: neither field, so the request has no body
    }

    // MARK: Byte helpers

    /// Whether `bytes` equal `lowercase` ignoring ASCII case; `lowercase` must be lowercase.
    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if folded != expected[index] { return false }
        }
        return true
    }

    /// Calls `body` with each comma-separated element of a field value, OWS trimmed
    /// (RFC 9110 §5.6.1); empty elements are skipped unless `keepingEmpty`.
    static func forEachElement(of value: UnsafeRawBufferPointer, keepingEmpty: Bool = false, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var low = start, high = end
            while low < high, value[low] == .space || value[low] == .tab { low += 1 }
            while high > low, value[high - 1] == .space || value[high - 1] == .tab { high -= 1 }
            if low < high || keepingEmpty { body(UnsafeRawBufferPointer(rebasing: value[low..<high])) }
            start = end + 1
        }
    }
}
