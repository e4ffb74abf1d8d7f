import HTTPTestSupport
import Glibc
import Testing
@testable import HTTPServer

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    static let sample: HTTPHeaders = ["Content-Type": "application/json", "X-A": "1", "x-a": "2"]

    @Test("looks names up case-insensitively and returns the first value") func lookup() { #expect(Self.sample["content-TYPE"] == "application/json" && Self.sample["X-A"] == "1") }
    @Test("returns every value of a repeated field in order") func values() { #expect(Self.sample.values(for: "X-A") == ["1", "2"]) }
    @Test("does not match names that differ only beyond ASCII letters") func nonLetters() { #expect(HTTPHeaders([("a-b", "1")])["a_b"] == nil && HTTPHeaders([("[", "1")])["{"] == nil) }
    @Test("replaces the first occurrence and drops the rest") func replaceOrAdd() {
        var headers = Self.sample
        headers.replaceOrAdd(name: "x-A", value: "3")
        #expect(headers.values(for: "X-A") == ["3"] && headers.map(\.name) == ["Content-Type", "X-A"])
    }
    @Test("appends on replaceOrAdd when the field is absent") func replaceOrAddAppends() {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: "A", value: "1")
        #expect(headers.count == 1 && headers["a"] == "1")
    }
    @Test("finds a token in a comma-separated list") func tokens() { #expect(HTTPHeaders([("Connection", "Upgrade, Close")]).containsToken("close", in: "connection")) }
    @Test("does not find a token as a substring of another") func tokenSubstring() { #expect(!HTTPHeaders([("Connection", "closed")]).containsToken("close", in: "Connection")) }
}

@Suite("Accept-Encoding negotiation (RFC 9110 §12.5.3)")
struct ContentNegotiationTests {
    func accepts(_ value: String) -> Bool { ContentNegotiation.acceptsGzip(["Accept-Encoding": value]) }

    @Test("accepts gzip when listed") func listed() { #expect(accepts("deflate, gzip")) }
    @Test("accepts x-gzip") func xgzip() { #expect(accepts("x-gzip")) }
    @Test("refuses gzip;q=0") func qZero() { #expect(!accepts("gzip;q=0")) }
    @Test("refuses gzip with q=0.000 and spaces") func qZeroSpaced() { #expect(!accepts("gzip ; q=0.000")) }
    @Test("accepts gzip through a wildcard") func wildcard() { #expect(accepts("br, *")) }
    @Test("lets an explicit gzip;q=0 override the wildcard") func explicitOverridesWildcard() { #expect(!accepts("*, gzip;q=0")) }
    @Test("refuses when only other codings are listed") func others() { #expect(!accepts("br, identity")) }
    @Test("refuses an unreadable weight") func badWeight() { #expect(!accepts("gzip;q=abc")) }
    @Test("refuses without an Accept-Encoding field") func absent() { #expect(!ContentNegotiation.acceptsGzip(HTTPHeaders())) }
    @Test("treats JSON, text and +json types as compressible") func compressible() { #expect(["application/json; charset=utf-8", "text/html", "application/problem+json"].allSatisfy { ContentNegotiation.isCompressible(contentType: $0) }) }
    @Test("treats images and octet streams as not compressible") func incompressible() { #expect(!["image/png", "application/octet-stream"].contains { ContentNegotiation.isCompressible(contentType: $0) }) }
}

@Suite("gzip")
struct GzipTests {
    let text = Array(String(repeating: "gzip round trip ", count: 100).utf8)

    @Test("inflates what it compressed") func roundTrip() throws { #expect(try Gzip.inflate(Gzip.compress(text, level: 5)!, limit: 1 << 20) == text) }
    @Test("inflates concatenated gzip members") func members() throws { #expect(try Gzip.inflate(Gzip.compress(text, level: 1)! + Gzip.compress(text, level: 9)!, limit: 1 << 20) == text + text) }
    @Test("stops with 413 as soon as the output passes the limit") func limit() { #expect(throws: HTTPError.payloadTooLarge) { try Gzip.inflate(Gzip.compress(text, level: 5)!, limit: text.count - 1) } }
    @Test("accepts output exactly at the limit") func exactLimit() throws { #expect(try Gzip.inflate(Gzip.compress(text, level: 5)!, limit: text.count).count == text.count) }
    @Test("rejects corrupt data with 400") func corrupt() { #expect(throws: HTTPError.self) { try Gzip.inflate(Array("not gzip at all".utf8), limit: 1 << 20) } }
    @Test("rejects a truncated stream with 400") func truncated() { #expect(throws: HTTPError.badRequest("truncated gzip body")) { try Gzip.inflate(Array(Gzip.compress(text, level: 5)!.dropLast(8)), limit: 1 << 20) } }
    @Test("rejects an unknown content coding with 415") func unknownCoding() {
        var request = HTTPRequest(headers: ["Content-Encoding": "br"], body: [1])
        #expect(throws: HTTPError.unsupportedMediaType("br")) { try Gzip.decodeBody(of: &request, limit: 100) }
    }
    @Test("leaves identity bodies alone") func identity() throws {
        var request = HTTPRequest(headers: ["Content-Encoding": "identity"], body: [1, 2])
        try Gzip.decodeBody(of: &request, limit: 100)
        #expect(request.body == [1, 2])
    }
}

@Suite("Response serialisation")
struct ResponseWriterTests {
    static let writer = ResponseWriter(configuration: HTTPServerConfiguration())
    static let plain = ResponseContext(version: .http1_1, isHead: false, keepAlive: true, requestHeaders: HTTPHeaders())

    func head(_ response: HTTPResponse, _ context: ResponseContext = plain) -> String {
        String(decoding: Self.writer.serialize(response, context: context).head, as: UTF8.self)
    }

    @Test("writes the status line, Server, Date and Content-Length") func basics() {
        let text = head(.text("hi"))
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nServer: swift-http-server\r\nDate: "))
        #expect(text.hasSuffix("Content-Length: 2\r\n\r\n"))
    }
    @Test("drops a handler's framing fields in favour of its own") func framingFields() {
        let text = head(HTTPResponse(headers: ["Content-Length": "99", "Transfer-Encoding": "chunked"], body: [1]))
        #expect(text.contains("Content-Length: 1\r\n") && !text.contains("99") && !text.contains("chunked"))
    }
    @Test("drops fields that would split the response") func splitting() { #expect(!head(HTTPResponse(headers: ["X-A": "1\r\nSet-Cookie: x"])).contains("Set-Cookie")) }
    @Test("honours a handler's Connection: close") func handlerClose() { #expect(Self.writer.serialize(HTTPResponse(headers: ["Connection": "close"]), context: Self.plain).keepAlive == false) }
    @Test("announces keep-alive to HTTP/1.0 clients that asked for it") func keepAlive10() { #expect(head(HTTPResponse(), ResponseContext(version: .http1_0, isHead: false, keepAlive: true, requestHeaders: HTTPHeaders())).contains("Connection: keep-alive\r\n")) }
    @Test("omits the body of a HEAD answer but keeps its length") func head() {
        let response = Self.writer.serialize(.text("hello"), context: ResponseContext(version: .http1_1, isHead: true, keepAlive: true, requestHeaders: HTTPHeaders()))
        #expect(response.body.isEmpty && String(decoding: response.head, as: UTF8.self).contains("Content-Length: 5\r\n"))
    }
    @Test("sends neither body nor Content-Length with 204 and 304") func noContent() { #expect([204, 304].allSatisfy { !head(HTTPResponse(status: $0, body: [1])).contains("Content-Length") }) }
    @Test("compresses large JSON for gzip clients and says Vary") func gzip() {
        let json = Array(("[" + String(repeating: #"{"a":1},"#, count: 300) + "0]").utf8)
        let response = Self.writer.serialize(.json(json), context: ResponseContext(version: .http1_1, isHead: false, keepAlive: true, requestHeaders: ["Accept-Encoding": "gzip"]))
        let text = String(decoding: response.head, as: UTF8.self)
        #expect(text.contains("Content-Encoding: gzip\r\n") && text.contains("Vary: Accept-Encoding\r\n") && response.body.count < json.count)
    }
    @Test("leaves small bodies uncompressed") func smallBody() { #expect(!head(.json("{}"), ResponseContext(version: .http1_1, isHead: false, keepAlive: true, requestHeaders: ["Accept-Encoding": "gzip"])).contains("gzip")) }
    @Test("renders the error envelope with Retry-After for overloaded") func overloaded() {
        let response = HTTPResponse.error(.overloaded, retryAfterSeconds: 3)
        #expect(response.status == 503 && response.headers["Retry-After"] == "3" && String(decoding: response.body, as: UTF8.self).hasPrefix(#"{"error":{"code":"overloaded""#))
    }
    @Test("escapes quotes and controls in error messages") func escaping() { #expect(String(decoding: HTTPResponse.error(status: 400, code: "x", message: "a\"b\n\u{1}").body, as: UTF8.self).contains(#"a\"b\n\u0001"#)) }
}

@Suite("Date header")
struct DateCacheTests {
    @Test("formats IMF-fixdate as in RFC 9110 §5.6.7") func format() { #expect(String(decoding: DateCache.format(784_111_777), as: UTF8.self) == "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n") }
    @Test("serves the line for the current second") func current() {
        let before = time(nil), line = DateCache.headerLine(), after = time(nil)
        #expect(line == DateCache.format(before) || line == DateCache.format(after))
    }
}

@Suite("Errors")
struct HTTPErrorTests {
    @Test("maps each error to its status and code", arguments: [
        (HTTPError.badRequest("x"), 400, "bad_request"), (.requestTimeout, 408, "request_timeout"),
        (.payloadTooLarge, 413, "payload_too_large"), (.uriTooLong, 414, "uri_too_long"),
        (.unsupportedMediaType("br"), 415, "unsupported_media_type"), (.headersTooLarge, 431, "headers_too_large"),
        (.notImplemented("x"), 501, "not_implemented"), (.overloaded, 503, "overloaded"),
        (.shuttingDown, 503, "shutting_down"), (.versionNotSupported, 505, "http_version_not_supported"),
    ])
    func mapping(error: HTTPError, status: Int, code: String) { #expect(error.status == status && error.code == code) }
}

@Suite("FIFO")
struct FIFOTests {
    @Test("pops in insertion order across compactions") func order() {
        var fifo = FIFO<Int>()
        var popped: [Int] = []
        for value in 0..<5000 {
            fifo.append(value)
            if value % 3 == 0, let first = fifo.popFirst() { popped.append(first) }
        }
        while let value = fifo.popFirst() { popped.append(value) }
        #expect(popped == Array(0..<5000) && fifo.isEmpty)
    }
}
