/// A response serialised for the wire: the head and the body, sent together by one writev.
struct OutgoingResponse: Sendable {
    var head: [UInt8]
    var body: [UInt8]
    var status: Int
    /// Whether the connection stays open after this response.
    var keepAlive: Bool

    var byteCount: Int { head.count + body.count }
}

/// What the serialiser needs to know about the request being answered.
struct ResponseContext: Sendable {
    var version: HTTPVersion
    var isHead: Bool
    var keepAlive: Bool
    /// The request's headers, consulted for Accept-Encoding only when a body could be compressed.
    var requestHeaders: HTTPHeaders
}

/// Turns an `HTTPResponse` into bytes: status line, fields, framing, optional gzip.
struct ResponseWriter: Sendable {
    let serverLine: [UInt8]
    let gzipMinimumSize: Int
    let gzipLevel: Int

    init(configuration: HTTPServerConfiguration) {
        let name = configuration.serverName.utf8.filter { ByteClass.table[Int($0)] & ByteClass.fieldValue != 0 }
        serverLine = Array("Server: ".utf8) + name + Array("\r\n".utf8)
        gzipMinimumSize = configuration.gzipMinimumSize
        gzipLevel = configuration.gzipLevel
    }

    /// `HTTP/1.1 100 Continue` (RFC 9110 §15.2.1), sent before reading an expected body.
    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    func serialize(_ response: HTTPResponse, context: ResponseContext) -> OutgoingResponse {
        var headers = response.headers
        var body = response.body
        let status = response.status
        // RFC 9110 §15.3.5, §15.4.5, §6.4.1: 1xx, 204 and 304 responses carry no content.
        let allowsBody = status >= 200 && status != 204 && status != 304
        if !allowsBody { body = [] }
        if allowsBody, body.count >= gzipMinimumSize, !headers.contains("Content-Encoding"),
           ContentNegotiation.isCompressible(contentType: headers["Content-Type"]) {
            // RFC 9110 §12.5.5: the representation depends on Accept-Encoding; say so to caches.
            headers.add(name: "Vary", value: "Accept-Encoding")
            if ContentNegotiation.acceptsGzip(context.requestHeaders), let compressed = Gzip.compress(body, level: gzipLevel), compressed.count < body.count {
                body = compressed
                headers.add(name: "Content-Encoding", value: "gzip")
            }
        }
        var keepAlive = context.keepAlive
        var head = [UInt8]()
        head.reserveCapacity(160 + headers.count * 40)
        head.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(status, to: &head)
        head.append(.space)
        head.append(contentsOf: HTTPResponse.reasonPhrase(status).utf8)
        head.append(contentsOf: "\r\n".utf8)
        var hasServer = false, hasDate = false
        for (name, value) in headers where Self.isSendable(name: name, value: value) {
            switch name.utf8.count {
            // Framing fields are the server's to set (RFC 9112 §6); a handler's would lie.
            case 14 where HTTPHeaders.namesMatch(name, "Content-Length"),
                 17 where HTTPHeaders.namesMatch(name, "Transfer-Encoding"):
                continue
            case 10 where HTTPHeaders.namesMatch(name, "Connection"):
                // RFC 9112 §9.6: a sender of "close" closes after the response; honour the handler's.
                if HTTPHeaders.list(value, containsToken: "close") { keepAlive = false }
                continue
            case 6 where HTTPHeaders.namesMatch(name, "Server"):
                hasServer = true
            case 4 where HTTPHeaders.namesMatch(name, "Date"):
                hasDate = true
            default:
                break
            }
            head.append(contentsOf: name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: value.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        if !hasServer { head.append(contentsOf: serverLine) }
        // RFC 9110 §6.6.1: an origin server with a clock MUST send Date.
        if !hasDate { head.append(contentsOf: DateCache.headerLine()) }
        if allowsBody {
            // RFC 9110 §8.6 / §9.3.2: HEAD gets the Content-Length GET would have sent.
            head.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(body.count, to: &head)
            head.append(contentsOf: "\r\n".utf8)
        }
        if !keepAlive {
            head.append(contentsOf: "Connection: close\r\n".utf8)
        } else if context.version.minor == 0 {
            // RFC 9112 §9.3: an HTTP/1.0 client only keeps the connection when told so.
            head.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        head.append(contentsOf: "\r\n".utf8)
        return OutgoingResponse(head: head, body: context.isHead ? [] : body, status: status, keepAlive: keepAlive)
    }

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        guard value >= 10 else { return bytes.append(UInt8(ascii: "0") + UInt8(max(0, value))) }
        appendDecimal(value / 10, to: &bytes)
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// A field may be sent when its name is a token and its value holds no control characters.
    private static func isSendable(name: String, value: String) -> Bool {
        let table = ByteClass.table
        return !name.isEmpty
            && name.utf8.allSatisfy { table[Int($0)] & ByteClass.token != 0 }
            && value.utf8.allSatisfy { table[Int($0)] & ByteClass.fieldValue != 0 }
    }
}
