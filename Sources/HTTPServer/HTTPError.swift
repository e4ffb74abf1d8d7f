/// Every failure this layer reports: the HTTP errors it answers on its own and the system
/// errors `HTTPServer.start()` can throw.
///
/// Each HTTP case knows its status, its machine-readable `code` and whether the connection
/// must close after the answer. Parse errors always close it: once framing is in doubt, the
/// rest of the byte stream cannot be trusted (RFC 9112 §6.3, §9.6). The server renders them as
/// `{"error":{"code":"...","message":"..."}}` with `Content-Type: application/json`.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400: malformed syntax or framing; the associated text says which rule failed.
    case badRequest(String)
    /// 408: the request head or body did not arrive within its timeout.
    case requestTimeout
    /// 413: the declared or received (or inflated) body exceeds the configured limit.
    case payloadTooLarge
    /// 414: the request line exceeds the configured limit.
    case uriTooLong
    /// 415: a `Content-Encoding` the server cannot decode (anything but gzip and identity).
    case unsupportedMediaType(String)
    /// 431: the header section exceeds the configured size or field count.
    case headersTooLarge
    /// 501: a transfer coding or method the server does not implement.
    case notImplemented(String)
    /// 503 with `Retry-After`: too many connections or requests in flight.
    case overloaded
    /// 503: the server is draining and takes no new requests.
    case shuttingDown
    /// 505: an HTTP major version other than 1.
    case versionNotSupported
    /// A system call failed while setting up or running the server (never sent to a client).
    case system(operation: String, errno: Int32)

    /// The HTTP status code of the answer the server sends for this error.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .requestTimeout: 408
        case .payloadTooLarge: 413
        case .uriTooLong: 414
        case .unsupportedMediaType: 415
        case .headersTooLarge: 431
        case .notImplemented: 501
        case .overloaded, .shuttingDown: 503
        case .versionNotSupported: 505
        case .system: 500
        }
    }

    /// The stable, machine-readable code placed in the JSON error body.
    public var code: String {
        switch self {
        case .badRequest: "bad_request"
        case .requestTimeout: "request_timeout"
        case .payloadTooLarge: "payload_too_large"
        case .uriTooLong: "uri_too_long"
        case .unsupportedMediaType: "unsupported_media_type"
        case .headersTooLarge: "headers_too_large"
        case .notImplemented: "not_implemented"
        case .overloaded: "overloaded"
        case .shuttingDown: "shutting_down"
        case .versionNotSupported: "http_version_not_supported"
        case .system: "internal_error"
        }
    }

    /// A human-readable sentence for the JSON error body and the log.
    public var message: String {
        switch self {
        case .badRequest(let why): "Bad request: \(why)."
        case .requestTimeout: "The request was not received in time."
        case .payloadTooLarge: "The request body is larger than the server accepts."
        case .uriTooLong: "The request line is longer than the server accepts."
        case .unsupportedMediaType(let coding): "Unsupported content coding: \(coding)."
        case .headersTooLarge: "The request header section is larger than the server accepts."
        case .notImplemented(let what): "Not implemented: \(what)."
        case .overloaded: "The server is overloaded; retry later."
        case .shuttingDown: "The server is shutting down; retry on another connection."
        case .versionNotSupported: "Only HTTP/1.0 and HTTP/1.1 are supported."
        case .system(let operation, let errno): "\(operation) failed (errno \(errno))."
        }
    }

    /// Whether the connection closes after this answer. Only the two 503s leave a connection
    /// whose framing is intact open; `overloaded` still closes when a request body is unread.
    public var closesConnection: Bool {
        switch self {
        case .overloaded: false
        default: true
        }
    }

    /// `status code: message`, for logs.
    public var description: String { "\(status) \(code): \(message)" }
}
