@testable import HTTPServer

/// A request as the parser delivered it: its head and its collected body.
struct ParsedRequest {
    var head: HTTPRequestHead
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What feeding a byte stream to the parser produced.
struct ParseOutcome {
    var requests: [ParsedRequest] = []
    var error: HTTPError?
    /// Bytes left over that do not (yet) form a complete request.
    var pending = 0

    var first: ParsedRequest? { requests.first }
    var code: String? { error?.code }
}

/// Feeds `input` to a fresh parser in slices of `sliceSize` bytes (all at once by default),
/// the way a connection does: append, parse until no event, drop what was consumed.
func parse(_ input: [UInt8], limits: HTTPParserLimits = HTTPParserLimits(), sliceSize: Int? = nil) -> ParseOutcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = ParseOutcome()
    var buffer: [UInt8] = []
    var current: ParsedRequest?
    var offset = 0
    let slice = max(1, sliceSize ?? input.count)
    repeat {
        let end = min(input.count, offset + slice)
        buffer += input[offset..<end]
        offset = end
        while true {
            let step: (event: HTTPRequestParser.Event?, consumed: Int)
            do {
                step = try buffer.withUnsafeBytes { try parser.parse($0) }
            } catch let error as HTTPError {
                outcome.error = error
                return outcome
            } catch {
                fatalError("the parser throws only HTTPError")
            }
            switch step.event {
            case .head(let head)?: current = ParsedRequest(head: head, body: [])
            case .body(let range)?: current!.body += buffer[range]
            case .end?:
                outcome.requests.append(current!)
                current = nil
            case nil: break
            }
            buffer.removeFirst(step.consumed)
            if case .none = step.event { break }
        }
    } while offset < input.count
    outcome.pending = buffer.count
    return outcome
}

/// `parse` for text, with `\n` written as-is (use `\r\n` explicitly for CRLF).
func parse(_ text: String, limits: HTTPParserLimits = HTTPParserLimits(), sliceSize: Int? = nil) -> ParseOutcome {
    parse(Array(text.utf8), limits: limits, sliceSize: sliceSize)
}

/// The error code the parser answers `text` with, or nil when it parses cleanly.
func code(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> String? {
    parse(text, limits: limits).code
}

/// A minimal valid HTTP/1.1 request with extra header lines and a body.
func request(_ method: String = "GET", _ target: String = "/", headers: [String] = [], body: String = "") -> String {
    "\(method) \(target) HTTP/1.1\r\nHost: example.com\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n" + body
}

/// A POST with the given framing header lines and raw body.
func post(_ headers: [String], _ body: String = "") -> String {
    request("POST", "/", headers: headers, body: body)
}

/// Limits with small values for limit tests.
func limits(requestLine: Int = 8192, headerBytes: Int = 32768, headerCount: Int = 100, body: Int = 1 << 20) -> HTTPParserLimits {
    var limits = HTTPParserLimits()
    limits.maxRequestLineLength = requestLine
    limits.maxHeaderBytes = headerBytes
    limits.maxHeaderCount = headerCount
    limits.maxBodySize = body
    return limits
}
