/// An incremental HTTP/1.1 request parser: bytes in, request heads and body ranges out.
///
/// Shaped like picohttpparser: pass the bytes you have not yet had consumed, get back at most
/// one event and the count of bytes consumed; drop those bytes, append new ones, call again.
/// A nil event means "need more bytes". Keep calling while events come back, even with an
/// empty buffer: `.end` can arrive without new input. Pure value type, no I/O, no clock.
///
/// The head is not consumed until it is complete (it is then parsed in one pass, so no state
/// survives between partial heads but the scan position); body bytes are returned as ranges
/// into the caller's buffer and never copied here. Errors are thrown as `HTTPError`; after
/// one, the parser must not be used again and the connection must close (RFC 9112 §9.6).
public struct HTTPRequestParser: Sendable {
    /// What one call to `parse` produced.
    public enum Event: Sendable {
        /// A complete, validated request head.
        case head(HTTPRequestHead)
        /// Body bytes at these offsets of the buffer just passed in (de-chunked).
        case body(Range<Int>)
        /// The current request is complete; the next bytes start a new request.
        case end
    }

    private enum State: Sendable {
        /// Waiting for a complete head; `scanned` bytes are known not to end it.
        case head(scanned: Int, requestLineEnd: Int?)
        case contentLength(remaining: Int)
        case chunked(ChunkedDecoder)
        case end
    }

    /// The limits this parser enforces.
    public let limits: HTTPParserLimits
    private var state = State.head(scanned: 0, requestLineEnd: nil)

    /// Method and decoded path of the request being parsed, known once its request line is
    /// valid and cleared when the next request starts, so an error answer can be logged
    /// against them.
    public var current: (method: String, path: String)? {
        guard let currentMethod, let currentPath else { return nil }
        return (currentMethod, currentPath)
    }
    // Two optionals rather than an optional tuple: cheaper to store and destroy per request.
    private var currentMethod: String?
    private var currentPath: String?

    /// A parser at the start of a connection.
    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Whether the parser sits between requests with nothing of the next one seen yet.
    public var isBetweenRequests: Bool {
        if case .head(0, nil) = state { return true }
        return false
    }

    /// Parses from the start of `bytes`. Returns the next event (nil: need more bytes) and
    /// how many bytes were consumed.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) -> (event: Event?, consumed: Int) {
        switch state {
        case .head(let scanned, let requestLineEnd):
            if scanned == 0, requestLineEnd == nil, currentMethod != nil {
                currentMethod = nil
                currentPath = nil
            }
            var start = 0
            if requestLineEnd == nil {
                // RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line
                // SHOULD ignore at least one empty line (CRLF) received prior to the request-line".
                while start < bytes.count, bytes[start] == .lf
                    || (bytes[start] == .cr && start + 1 < bytes.count && bytes[start + 1] == .lf) {
                    start += bytes[start] == .cr ? 2 : 1
                }
            }
            let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
            guard let (headLength, lineEnd) = try findHeadEnd(rest, scanned: max(0, scanned - start), requestLineEnd: requestLineEnd) else {
                return (nil, start)
            }
            let head = try parseHead(UnsafeRawBufferPointer(rebasing: rest[..<headLength]), requestLineEnd: lineEnd)
            switch head.framing {
            case .none: state = .end
            case .contentLength(let length): state = .contentLength(remaining: length)
            case .chunked: state = .chunked(ChunkedDecoder(limits: limits))
            }
            return (.head(head), start + headLength)
        case .contentLength(let remaining):
            guard !bytes.isEmpty else { return (nil, 0) }
            let taken = min(remaining, bytes.count)
            state = taken == remaining ? .end : .contentLength(remaining: remaining - taken)
            return (.body(0..<taken), taken)
        case .chunked(var decoder):
            state = .end  // moves the decoder out so mutating it does not copy its buffers
            let (event, consumed) = try decoder.next(bytes)
            switch event {
            case .data(let range):
                state = .chunked(decoder)
                return (.body(range), consumed)
            case .end:
                state = .head(scanned: 0, requestLineEnd: nil)
                return (.end, consumed)
            case nil:
                state = .chunked(decoder)
                return (nil, consumed)
            }
        case .end:
            state = .head(scanned: 0, requestLineEnd: nil)
            return (.end, 0)
        }
    }

    /// Finds the empty line ending the head; returns the head's length with that line and the
    /// request line's length, or nil. Records how far it searched, so a head arriving byte by
    /// byte is scanned once, not once per byte.
    private mutating func findHeadEnd(_ bytes: UnsafeRawBufferPointer, scanned: Int, requestLineEnd: Int?) throws(HTTPError) -> (length: Int, requestLineEnd: Int)? {
        var position = scanned
        let lineEnd: Int
        if let known = requestLineEnd {
            lineEnd = known
        } else {
            guard let lf = bytes.firstLineFeed(from: position) else {
                // RFC 9112 §3: a server that receives a request-target longer than it wishes to
                // parse MUST respond with 414; the whole line is bounded so that method and
                // version cannot grow it instead.
                guard bytes.count <= limits.maxRequestLineLength else { throw .uriTooLong }
                state = .head(scanned: bytes.count, requestLineEnd: nil)
                return nil
            }
            guard lf + 1 <= limits.maxRequestLineLength else { throw .uriTooLong }
            lineEnd = lf + 1
            position = lf
        }
        while true {
            guard let lf = bytes.firstLineFeed(from: position) else {
                position = bytes.count
                break
            }
            let next = lf + 1
            var end: Int?
            if next < bytes.count, bytes[next] == .lf { end = next + 1 }
            if next + 1 < bytes.count, bytes[next] == .cr, bytes[next + 1] == .lf { end = next + 2 }
            if let end {
                // RFC 6585 §5: 431 when the header section (final empty line aside) is too large.
                guard end - lineEnd <= limits.maxHeaderBytes + 2 else { throw .headersTooLarge }
                return (end, lineEnd)
            }
            if next == bytes.count || (next + 1 == bytes.count && bytes[next] == .cr) {
                position = lf  // the empty line may still arrive: rescan from this LF
                break
            }
            position = next
        }
        // RFC 6585 §5: 431 as soon as the unfinished header section is over the limit.
        guard bytes.count - lineEnd <= limits.maxHeaderBytes + 2 else { throw .headersTooLarge }
        state = .head(scanned: position, requestLineEnd: lineEnd)
        return nil
    }

    /// Parses a complete head (request line, field lines, empty line) in one pass.
    private mutating func parseHead(_ head: UnsafeRawBufferPointer, requestLineEnd: Int) throws(HTTPError) -> HTTPRequestHead {
        // RFC 9112 §2.2: "A recipient of such a bare CR MUST consider that element to be invalid".
        for index in 0..<head.count where head[index] == .cr && (index + 1 == head.count || head[index + 1] != .lf) {
            throw .badRequest("bare CR in the request head")
        }
        let line = UnsafeRawBufferPointer(rebasing: head[..<Self.contentEnd(head, lineFeed: requestLineEnd - 1)])
        let (method, targetBytes, version) = try Self.parseRequestLine(line)
        // RFC 9110 §9.3.6: CONNECT (authority-form, RFC 9112 §3.2.3) asks for a tunnel; not offered.
        guard method != "CONNECT" else { throw .notImplemented("the CONNECT method") }
        let target = try RequestTarget.parse(targetBytes, method: method)
        currentMethod = method
        currentPath = target.path
        let (headers, fields) = try parseFieldLines(UnsafeRawBufferPointer(rebasing: head[requestLineEnd...]))
        try fields.validateHost(version: version)
        let framing = try fields.framing(version: version, maxBodySize: limits.maxBodySize)
        let isHTTP11 = version.minor >= 1
        return HTTPRequestHead(
            method: method,
            target: String(decoding: targetBytes, as: UTF8.self),
            path: target.path,
            query: target.query,
            queryItems: target.queryItems,
            version: version,
            headers: headers,
            framing: framing,
            // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
            keepAlive: isHTTP11 ? !fields.connectionClose : !fields.connectionClose && fields.connectionKeepAlive,
            // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request MUST be ignored.
            expectsContinue: isHTTP11 && fields.expectsContinue,
            wireLength: head.count
        )
    }

    /// The end of a line's content: the LF's offset, or the CR's just before it.
    private static func contentEnd(_ bytes: UnsafeRawBufferPointer, lineFeed: Int) -> Int {
        lineFeed > 0 && bytes[lineFeed - 1] == .cr ? lineFeed - 1 : lineFeed
    }

    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
    private static func parseRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTPError) -> (String, UnsafeRawBufferPointer, HTTPVersion) {
        let table = ByteClass.table
        var index = 0
        // RFC 9110 §9.1: method = token; RFC 9112 §3: exactly one SP follows it.
        while index < line.count, table[Int(line[index])] & ByteClass.token != 0 { index += 1 }
        guard index > 0, index < line.count, line[index] == .space else {
            throw .badRequest("invalid method in the request line")
        }
        let method = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<index]), as: UTF8.self)
        let targetStart = index + 1
        index = targetStart
        // RFC 9112 §3.2: the request-target is visible ASCII; no whitespace or controls inside it.
        while index < line.count, table[Int(line[index])] & ByteClass.target != 0 { index += 1 }
        guard index > targetStart, index < line.count, line[index] == .space else {
            throw .badRequest("invalid request target in the request line")
        }
        let target = UnsafeRawBufferPointer(rebasing: line[targetStart..<index])
        let version = try parseVersion(UnsafeRawBufferPointer(rebasing: line[(index + 1)...]))
        return (method, target, version)
    }

    /// HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %s"HTTP" (RFC 9112 §2.3).
    private static func parseVersion(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) -> HTTPVersion {
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8), isDigit(bytes[5]), bytes[6] == UInt8(ascii: "."), isDigit(bytes[7]) else {
            throw .badRequest("invalid HTTP version in the request line")
        }
        let version = HTTPVersion(major: Int(bytes[5] - UInt8(ascii: "0")), minor: Int(bytes[7] - UInt8(ascii: "0")))
        // RFC 9110 §15.6.6: 505 for a major version the server does not support.
        guard version.major == 1 else { throw .versionNotSupported }
        return version
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), one per line; also
    /// notes the fields that decide framing as they go by.
    private func parseFieldLines(_ section: UnsafeRawBufferPointer) throws(HTTPError) -> (HTTPHeaders, FramingFields) {
        let table = ByteClass.table
        var headers = HTTPHeaders(capacity: 12)
        var fields = FramingFields()
        var start = 0
        while let lf = section.firstLineFeed(from: start) {
            let end = Self.contentEnd(section, lineFeed: lf)
            defer { start = lf + 1 }
            if end == start { break }  // the empty line ending the head
            // RFC 9112 §5.2: obs-fold (a line starting with SP/HTAB) is rejected with 400;
            // RFC 9112 §2.2: so is whitespace between the start-line and the first field.
            guard section[start] != .space, section[start] != .tab else {
                throw .badRequest("obsolete line folding or leading whitespace in a header field")
            }
            var index = start
            while index < end, table[Int(section[index])] & ByteClass.token != 0 { index += 1 }
            guard index < end, section[index] == .colon else {
                // RFC 9112 §5.1: "No whitespace is allowed between the field name and colon ...
                // a server MUST reject ... with a response status code of 400".
                if index < end, section[index] == .space || section[index] == .tab {
                    throw .badRequest("whitespace between a header field name and the colon")
                }
                throw .badRequest("invalid header field name")
            }
            guard index > start else { throw .badRequest("empty header field name") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: section[start..<index]), as: UTF8.self)
            var valueStart = index + 1
            var valueEnd = end
            // RFC 9112 §5.1: OWS around the field value is not part of it.
            while valueStart < valueEnd, section[valueStart] == .space || section[valueStart] == .tab { valueStart += 1 }
            while valueEnd > valueStart, section[valueEnd - 1] == .space || section[valueEnd - 1] == .tab { valueEnd -= 1 }
            // RFC 9110 §5.5: field-content is VCHAR, obs-text, SP and HTAB; NUL, CR, LF and other
            // controls are invalid.
            for byte in section[valueStart..<valueEnd] where table[Int(byte)] & ByteClass.fieldValue == 0 {
                throw .badRequest("control character in a header field value")
            }
            let value = UnsafeRawBufferPointer(rebasing: section[valueStart..<valueEnd])
            headers.add(name: name, value: String(decoding: value, as: UTF8.self))
            fields.record(name: UnsafeRawBufferPointer(rebasing: section[start..<index]), value: value)
            guard headers.count <= limits.maxHeaderCount else { throw .headersTooLarge }
        }
        return (headers, fields)
    }
}
