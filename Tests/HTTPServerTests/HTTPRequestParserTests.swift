import HTTPTestSupport
import Testing
@testable import HTTPServer

@Suite("Request line (RFC 9112 §3)")
struct RequestLineTests {
    @Test("parses method, target, version and headers in order")
    func simpleGet() throws {
        let head = try #require(parse("GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nX-A: 1\r\n\r\n").first?.head)
        #expect(head.method == "GET" && head.target == "/a?b=c" && head.path == "/a" && head.query == "b=c")
        #expect(head.version == .http1_1 && head.headers.map(\.name) == ["Host", "Accept", "X-A"])
    }

    @Test("keeps the method's case: methods are case-sensitive tokens") func methodCase() { #expect(parse(request("get")).first?.head.method == "get") }
    @Test("accepts any token method, such as PURGE") func extensionMethod() { #expect(parse(request("PURGE")).first?.head.method == "PURGE") }
    @Test("rejects a method with a non-token character") func badMethod() { #expect(code("GE(T / HTTP/1.1\r\nHost: x\r\n\r\n") == "bad_request") }
    @Test("rejects an empty method") func emptyMethod() { #expect(code(" / HTTP/1.1\r\nHost: x\r\n\r\n") == "bad_request") }
    @Test("rejects two spaces between method and target") func doubleSpace() { #expect(code("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") == "bad_request") }
    @Test("rejects a tab inside the target") func tabInTarget() { #expect(code("GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n") == "bad_request") }
    @Test("rejects a raw non-ASCII byte in the target") func nonASCIITarget() { #expect(code("GET /é HTTP/1.1\r\nHost: x\r\n\r\n") == "bad_request") }
    @Test("rejects a lowercase protocol name") func lowercaseVersion() { #expect(code("GET / http/1.1\r\nHost: x\r\n\r\n") == "bad_request") }
    @Test("rejects trailing garbage after the version") func versionGarbage() { #expect(code("GET / HTTP/1.1x\r\nHost: x\r\n\r\n") == "bad_request") }
    @Test("rejects a missing version (HTTP/0.9 style)") func missingVersion() { #expect(code("GET /\r\n\r\n") == "bad_request") }
    @Test("answers 505 for HTTP/2.0 over HTTP/1 framing") func version2() { #expect(code("GET / HTTP/2.0\r\nHost: x\r\n\r\n") == "http_version_not_supported") }
    @Test("treats HTTP/1.2 as 1.1: persistent by default") func version12() { #expect(parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n").first?.head.keepAlive == true) }
    @Test("answers 414 for a request line over the limit") func longLine() { #expect(code(request("GET", "/" + String(repeating: "a", count: 200)), limits: limits(requestLine: 100)) == "uri_too_long") }
    @Test("answers 414 before the line ends when it is already over the limit") func longUnfinishedLine() { #expect(code("GET /" + String(repeating: "a", count: 200), limits: limits(requestLine: 100)) == "uri_too_long") }
    @Test("ignores empty lines before the request line") func leadingEmptyLines() { #expect(parse("\r\n\r\n\n" + request()).requests.count == 1) }
}

@Suite("Header fields (RFC 9112 §5, RFC 9110 §5)")
struct HeaderFieldTests {
    @Test("rejects whitespace between a field name and the colon") func spaceBeforeColon() { #expect(code(request(headers: ["X-A : 1"])) == "bad_request") }
    @Test("rejects a tab between a field name and the colon") func tabBeforeColon() { #expect(code(request(headers: ["X-A\t: 1"])) == "bad_request") }
    @Test("rejects obs-fold continuation lines") func obsFold() { #expect(code(request(headers: ["X-A: 1", " continued"])) == "bad_request") }
    @Test("rejects whitespace between the request line and the first field") func leadingWhitespace() { #expect(code("GET / HTTP/1.1\r\n Host: x\r\n\r\n") == "bad_request") }
    @Test("rejects NUL in a field value") func nulInValue() { #expect(code(request(headers: ["X-A: a\u{0}b"])) == "bad_request") }
    @Test("rejects DEL and other controls in a field value") func controlInValue() { #expect(code(request(headers: ["X-A: a\u{7F}b"])) == "bad_request") }
    @Test("rejects a bare CR inside a field value") func bareCRInValue() { #expect(code(request(headers: ["X-A: a\rb"])) == "bad_request") }
    @Test("rejects a bare CR ending a line") func bareCRLineEnd() { #expect(code("GET / HTTP/1.1\rHost: x\r\n\r\n") == "bad_request") }
    @Test("accepts LF-only line endings (RFC 9112 §2.2 MAY)") func lfOnly() { #expect(parse("GET / HTTP/1.1\nHost: x\nX-A: 1\n\n").first?.head.headers["x-a"] == "1") }
    @Test("rejects a field line without a colon") func noColon() { #expect(code(request(headers: ["NoColon"])) == "bad_request") }
    @Test("rejects an empty field name") func emptyName() { #expect(code(request(headers: [": value"])) == "bad_request") }
    @Test("rejects a non-token character in a field name") func badName() { #expect(code(request(headers: ["X(A): 1"])) == "bad_request") }
    @Test("trims whitespace around a field value") func trimsOWS() { #expect(parse(request(headers: ["X-A: \t 1 2 \t"])).first?.head.headers["X-A"] == "1 2") }
    @Test("accepts an empty field value") func emptyValue() { #expect(parse(request(headers: ["X-A:"])).first?.head.headers["X-A"] == "") }
    @Test("accepts obs-text bytes in a field value") func obsText() { #expect(parse(request(headers: ["X-A: caf\u{E9}"])).first?.head.headers["X-A"] == "caf\u{E9}") }
    @Test("keeps duplicate fields in order instead of letting one win") func duplicates() { #expect(parse(request(headers: ["X-A: 1", "x-a: 2"])).first?.head.headers.values(for: "X-A") == ["1", "2"]) }
    @Test("answers 431 past the field count limit") func tooManyFields() { #expect(code(request(headers: (0..<5).map { "X-\($0): 1" }), limits: limits(headerCount: 4)) == "headers_too_large") }
    @Test("answers 431 past the header size limit") func headerBytes() { #expect(code(request(headers: ["X-A: " + String(repeating: "a", count: 300)]), limits: limits(headerBytes: 200)) == "headers_too_large") }
    @Test("answers 431 before the head ends when it is already too large") func unfinishedHeaders() { #expect(code("GET / HTTP/1.1\r\nX-A: " + String(repeating: "a", count: 300), limits: limits(headerBytes: 200)) == "headers_too_large") }
}

@Suite("Host (RFC 9112 §3.2)")
struct HostTests {
    @Test("rejects an HTTP/1.1 request without Host") func missingHost() { #expect(code("GET / HTTP/1.1\r\n\r\n") == "bad_request") }
    @Test("accepts an HTTP/1.0 request without Host") func http10WithoutHost() { #expect(parse("GET / HTTP/1.0\r\n\r\n").requests.count == 1) }
    @Test("rejects two Host fields") func twoHosts() { #expect(code("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") == "bad_request") }
    @Test("rejects two Host fields on HTTP/1.0 too") func twoHosts10() { #expect(code("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n") == "bad_request") }
    @Test("rejects a Host value with a space or slash") func invalidHost() { #expect(code("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == "bad_request" && code("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == "bad_request") }
    @Test("accepts an IPv6 literal with a port") func ipv6Host() { #expect(code("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n") == nil) }
    @Test("accepts an empty Host (RFC 9112 §3.2 for authority-less targets)") func emptyHost() { #expect(code("GET / HTTP/1.1\r\nHost:\r\n\r\n") == nil) }
}

@Suite("Content-Length (RFC 9110 §8.6, RFC 9112 §6.3)")
struct ContentLengthTests {
    @Test("reads exactly Content-Length bytes of body") func body() { #expect(parse(post(["Content-Length: 5"], "hello")).first?.bodyText == "hello") }
    @Test("treats Content-Length: 0 as no body") func zero() { #expect(parse(post(["Content-Length: 0"])).first?.head.framing == HTTPBodyFraming.none) }
    @Test("rejects a plus sign") func plusSign() { #expect(code(post(["Content-Length: +5"], "hello")) == "bad_request") }
    @Test("rejects a minus sign") func minusSign() { #expect(code(post(["Content-Length: -1"])) == "bad_request") }
    @Test("rejects a space inside the digits") func innerSpace() { #expect(code(post(["Content-Length: 1 2"])) == "bad_request") }
    @Test("rejects hexadecimal") func hex() { #expect(code(post(["Content-Length: 0x10"])) == "bad_request") }
    @Test("rejects an empty value") func empty() { #expect(code(post(["Content-Length:"])) == "bad_request") }
    @Test("rejects a value that overflows 64 bits") func overflow() { #expect(code(post(["Content-Length: 99999999999999999999999"])) == "bad_request") }
    @Test("accepts identical duplicate lines") func identicalLines() { #expect(parse(post(["Content-Length: 5", "Content-Length: 5"], "hello")).first?.bodyText == "hello") }
    @Test("accepts an identical comma-separated list") func identicalList() { #expect(parse(post(["Content-Length: 5, 5"], "hello")).first?.bodyText == "hello") }
    @Test("rejects duplicates that differ") func differingLines() { #expect(code(post(["Content-Length: 5", "Content-Length: 6"], "hello!")) == "bad_request") }
    @Test("rejects a list whose values differ") func differingList() { #expect(code(post(["Content-Length: 5, 6"], "hello!")) == "bad_request") }
    @Test("answers 413 from the declared length before any body byte") func tooLarge() { #expect(code(post(["Content-Length: 1073741824"]), limits: limits(body: 1 << 20)) == "payload_too_large") }
    @Test("waits for the rest of a body split across reads") func partialBody() { #expect(parse(post(["Content-Length: 10"], "hello")).pending == 0 && parse(post(["Content-Length: 10"], "hello")).requests.isEmpty) }
}

@Suite("Transfer-Encoding (RFC 9112 §6.1, §7)")
struct TransferEncodingTests {
    @Test("de-chunks a body") func chunked() { #expect(parse(post(["Transfer-Encoding: chunked"], "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")).first?.bodyText == "hello world") }
    @Test("matches chunked case-insensitively") func chunkedCase() { #expect(parse(post(["Transfer-Encoding: Chunked"], "1\r\na\r\n0\r\n\r\n")).first?.bodyText == "a") }
    @Test("skips chunk extensions") func extensions() { #expect(parse(post(["Transfer-Encoding: chunked"], "5;name=value;x=\"q\"\r\nhello\r\n0;last\r\n\r\n")).first?.bodyText == "hello") }
    @Test("accepts whitespace before a chunk extension") func extensionBWS() { #expect(parse(post(["Transfer-Encoding: chunked"], "5 ;a=b\r\nhello\r\n0\r\n\r\n")).first?.bodyText == "hello") }
    @Test("reads and drops trailer fields") func trailers() { #expect(parse(post(["Transfer-Encoding: chunked"], "5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-B: 2\r\n\r\n")).first?.bodyText == "hello") }
    @Test("rejects a malformed trailer field") func badTrailer() { #expect(code(post(["Transfer-Encoding: chunked"], "5\r\nhello\r\n0\r\nX-Sum : 1\r\n\r\n")) == "bad_request") }
    @Test("answers 431 past the trailer field count") func manyTrailers() { #expect(code(post(["Transfer-Encoding: chunked"], "0\r\n" + String(repeating: "X: 1\r\n", count: 5) + "\r\n"), limits: limits(headerCount: 4)) == "headers_too_large") }
    @Test("rejects Content-Length together with Transfer-Encoding (request smuggling)") func smuggling() { #expect(code(post(["Content-Length: 5", "Transfer-Encoding: chunked"], "0\r\n\r\n")) == "bad_request") }
    @Test("rejects Transfer-Encoding before Content-Length too") func smugglingReversed() { #expect(code(post(["Transfer-Encoding: chunked", "Content-Length: 5"], "0\r\n\r\n")) == "bad_request") }
    @Test("answers 501 for chunked followed by gzip") func chunkedGzip() { #expect(code(post(["Transfer-Encoding: chunked, gzip"])) == "not_implemented") }
    @Test("answers 501 for an unknown transfer coding alone") func unknownCoding() { #expect(code(post(["Transfer-Encoding: zstd"])) == "not_implemented") }
    @Test("answers 501 for a coding split over two field lines") func splitCoding() { #expect(code(post(["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"])) == "not_implemented") }
    @Test("rejects chunked applied twice") func chunkedTwice() { #expect(code(post(["Transfer-Encoding: chunked, chunked"])) == "bad_request") }
    @Test("rejects an empty Transfer-Encoding") func emptyCoding() { #expect(code(post(["Transfer-Encoding: ,"])) == "bad_request") }
    @Test("rejects Transfer-Encoding in HTTP/1.0") func http10() { #expect(code("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == "bad_request") }
    @Test("answers 413 for a chunk size whose hex digits overflow") func hexOverflow() { #expect(code(post(["Transfer-Encoding: chunked"], "fffffffffffffffffffffff\r\n")) == "payload_too_large") }
    @Test("answers 413 as soon as declared chunk sizes pass the body limit") func chunkedLimit() { #expect(code(post(["Transfer-Encoding: chunked"], "400\r\n" + String(repeating: "a", count: 1024) + "\r\n401\r\n"), limits: limits(body: 2048)) == "payload_too_large") }
    @Test("rejects a non-hex chunk size") func badSize() { #expect(code(post(["Transfer-Encoding: chunked"], "zz\r\n")) == "bad_request") }
    @Test("rejects junk between the chunk size and the line end") func sizeJunk() { #expect(code(post(["Transfer-Encoding: chunked"], "1x\r\na\r\n0\r\n\r\n")) == "bad_request") }
    @Test("rejects chunk data not followed by CRLF") func missingCRLF() { #expect(code(post(["Transfer-Encoding: chunked"], "1\r\nab\r\n0\r\n\r\n")) == "bad_request") }
    @Test("rejects a control character in a chunk extension") func extensionControl() { #expect(code(post(["Transfer-Encoding: chunked"], "1;a\u{1}\r\na\r\n0\r\n\r\n")) == "bad_request") }
    @Test("rejects a bare CR in a chunk-size line") func sizeBareCR() { #expect(code(post(["Transfer-Encoding: chunked"], "1\ra\r\n")) == "bad_request") }
    @Test("rejects a chunk-size line over its limit") func longSizeLine() { #expect(code(post(["Transfer-Encoding: chunked"], "1;" + String(repeating: "a", count: 5000) + "\r\n")) == "bad_request") }
    @Test("accepts LF-only framing in chunked bodies") func lfChunks() { #expect(parse(post(["Transfer-Encoding: chunked"], "3\nabc\n0\n\n")).first?.bodyText == "abc") }
}

@Suite("Request targets (RFC 9112 §3.2, RFC 3986)")
struct RequestTargetTests {
    @Test("reduces an absolute-form target to its path and query") func absoluteForm() { #expect(parse(request("GET", "http://example.com:8080/a/b?x=1")).first.map { ($0.head.path, $0.head.query) } ?? ("", nil) == ("/a/b", "x=1")) }
    @Test("reads an https absolute-form target with an empty path as /") func absoluteEmptyPath() { #expect(parse(request("GET", "HTTPS://example.com")).first?.head.path == "/") }
    @Test("rejects an absolute-form target without an authority") func absoluteNoAuthority() { #expect(code(request("GET", "http:///a")) == "bad_request") }
    @Test("rejects an unknown scheme") func otherScheme() { #expect(code(request("GET", "ftp://example.com/a")) == "bad_request") }
    @Test("accepts the asterisk-form for OPTIONS") func asteriskOptions() { #expect(parse(request("OPTIONS", "*")).first?.head.path == "*") }
    @Test("rejects the asterisk-form for GET") func asteriskGet() { #expect(code(request("GET", "*")) == "bad_request") }
    @Test("answers 501 for CONNECT's authority-form") func connect() { #expect(code(request("CONNECT", "example.com:443")) == "not_implemented") }
    @Test("percent-decodes the path") func decodesPath() { #expect(parse(request("GET", "/a%20b/%E2%82%AC")).first?.head.path == "/a b/€") }
    @Test("keeps the raw target untouched") func rawTarget() { #expect(parse(request("GET", "/a%20b")).first?.head.target == "/a%20b") }
    @Test("rejects a %-escape with non-hex digits") func badEscape() { #expect(code(request("GET", "/a%zzb")) == "bad_request") }
    @Test("rejects a truncated %-escape") func truncatedEscape() { #expect(code(request("GET", "/a%2")) == "bad_request") }
    @Test("rejects an invalid escape in the query too") func badQueryEscape() { #expect(code(request("GET", "/a?x=%G0")) == "bad_request") }
    @Test("rejects an encoded NUL") func encodedNUL() { #expect(code(request("GET", "/a%00b")) == "bad_request") }
    @Test("rejects escapes that decode to invalid UTF-8") func invalidUTF8() { #expect(code(request("GET", "/%FF")) == "bad_request") }
    @Test("rejects a fragment") func fragment() { #expect(code(request("GET", "/a#b")) == "bad_request") }
    @Test("decodes the query as a whole, keeping + literal") func query() { #expect(parse(request("GET", "/?a=1%202+3")).first?.head.query == "a=1 2+3") }
    @Test("splits query items before decoding them") func queryItems() {
        let items = parse(request("GET", "/?a=1%262&b=x+y&c&a=3")).first?.head.queryItems ?? []
        #expect(items.map { "\($0.name)=\($0.value)" } == ["a=1&2", "b=x y", "c=", "a=3"])
    }
}

@Suite("Connection semantics (RFC 9112 §9, RFC 9110 §10.1.1)")
struct ConnectionSemanticsTests {
    @Test("keeps HTTP/1.1 connections alive by default") func default11() { #expect(parse(request()).first?.head.keepAlive == true) }
    @Test("closes HTTP/1.1 on Connection: close") func close11() { #expect(parse(request(headers: ["Connection: close"])).first?.head.keepAlive == false) }
    @Test("closes HTTP/1.0 by default") func default10() { #expect(parse("GET / HTTP/1.0\r\n\r\n").first?.head.keepAlive == false) }
    @Test("keeps HTTP/1.0 alive on Connection: keep-alive") func keepAlive10() { #expect(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").first?.head.keepAlive == true) }
    @Test("finds close among several connection options") func closeToken() { #expect(parse(request(headers: ["Connection: upgrade, close"])).first?.head.keepAlive == false) }
    @Test("flags Expect: 100-continue on HTTP/1.1") func expect11() { #expect(parse(post(["Content-Length: 1", "Expect: 100-Continue"], "a")).first?.head.expectsContinue == true) }
    @Test("ignores Expect: 100-continue on HTTP/1.0") func expect10() { #expect(parse("POST / HTTP/1.0\r\nContent-Length: 1\r\nExpect: 100-continue\r\n\r\na").first?.head.expectsContinue == false) }
}

@Suite("Incremental parsing")
struct IncrementalParsingTests {
    static let samples = [
        request(headers: ["X-A: 1", "Accept: */*"]),
        post(["Content-Length: 11"], "hello world"),
        post(["Transfer-Encoding: chunked"], "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n"),
        "\r\n" + request("GET", "http://h/p?q=%20"),
        "GET / HTTP/1.0\nHost: x\n\n",
    ]

    @Test("yields the same requests byte by byte as all at once", arguments: samples)
    func byteByByte(sample: String) {
        let whole = parse(sample), split = parse(sample, sliceSize: 1)
        #expect(whole.requests.count == 1 && split.requests.count == 1)
        #expect(whole.first?.body == split.first?.body && whole.first?.head.path == split.first?.head.path)
        #expect(whole.first?.head.headers == split.first?.head.headers)
    }

    @Test("parses pipelined requests from one buffer in order")
    func pipelined() {
        let outcome = parse(request("GET", "/1") + post(["Content-Length: 2"], "ab") + request("GET", "/3"))
        #expect(outcome.requests.map(\.head.target) == ["/1", "/", "/3"] && outcome.requests[1].bodyText == "ab")
    }

    @Test("reports an unfinished head as pending, not as an error")
    func unfinishedHead() { #expect(parse("GET / HTTP/1.1\r\nHost: x\r\n").pending > 0 && parse("GET / HTTP/1.1\r\nHost: x\r\n").error == nil) }

    @Test("returns body ranges of the bytes passed in without copying them first")
    func bodyRanges() throws {
        var parser = HTTPRequestParser()
        let bytes = Array(post(["Content-Length: 3"], "abc").utf8)
        let head = try bytes.withUnsafeBytes { try parser.parse($0) }
        let rest = Array(bytes[head.consumed...])
        let body = try rest.withUnsafeBytes { try parser.parse($0) }
        guard case .body(let range)? = body.event else { Issue.record("expected a body event"); return }
        #expect(range == 0..<3 && body.consumed == 3)
    }
}
