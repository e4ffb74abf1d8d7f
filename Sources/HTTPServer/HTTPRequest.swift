/// A complete request as the handler sees it: head, whole body, peer address.
public struct HTTPRequest: Sendable {
    /// The method token, case-sensitive. With `HTTPServerConfiguration.routesHeadAsGet` (the
    /// default) a HEAD request arrives here as `GET`; the server drops the body it answers.
    public var method: String
    /// The request-target exactly as received, percent-escapes included.
    public var target: String
    /// The percent-decoded path; an absolute-form target (`http://host/p`) is reduced to `/p`.
    public var path: String
    /// The percent-decoded query without its `?`, nil when there is no `?`.
    public var query: String?
    /// The query's `name=value` pairs, each side decoded separately (`+` becomes a space here,
    /// not in `query`), in order, duplicates kept.
    public var queryItems: [(name: String, value: String)]
    /// The version from the request line.
    public var version: HTTPVersion
    /// The header fields as received, except `Content-Encoding`, removed once the body was inflated.
    public var headers: HTTPHeaders
    /// The body: de-chunked and, for `Content-Encoding: gzip`, inflated (bounded by `maxBodySize`).
    public var body: [UInt8]
    /// The peer as `address:port` (`[v6address]:port` for IPv6).
    public var remoteAddress: String

    /// A request built by hand, for tests of handlers.
    public init(
        method: String = "GET", target: String = "/", path: String? = nil, query: String? = nil,
        queryItems: [(name: String, value: String)] = [], version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], remoteAddress: String = "127.0.0.1:0"
    ) {
        self.method = method
        self.target = target
        self.path = path ?? target
        self.query = query
        self.queryItems = queryItems
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    init(head: HTTPRequestHead, body: [UInt8], remoteAddress: String) {
        self.init(
            method: head.method, target: head.target, path: head.path, query: head.query,
            queryItems: head.queryItems, version: head.version, headers: head.headers,
            body: body, remoteAddress: remoteAddress
        )
    }
}

/// The function that answers requests. It runs on the server's worker pool, never on the I/O
/// thread, so it may compute for a while; it must not block forever (drains wait for it).
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse

/// One answered request, as reported to the observer and the access log.
public struct HTTPExchangeRecord: Sendable {
    /// The request method, or `""` when the server answered before a request line was valid.
    public var method: String
    /// The decoded path, or `""` when the server answered before a request line was valid.
    public var path: String
    /// The status sent, including the server's own 4xx/5xx answers.
    public var status: Int
    /// Bytes received for this request: head and body as framed on the wire.
    public var bytesIn: Int
    /// Bytes of the response: head and body as sent (a HEAD answer counts its head only).
    public var bytesOut: Int
    /// From the first byte of the request to the response being handed to the socket.
    public var duration: Duration
}

/// Called once per answered request on a worker or I/O thread; keep it quick (count, don't block).
public typealias HTTPExchangeObserver = @Sendable (HTTPExchangeRecord) -> Void
