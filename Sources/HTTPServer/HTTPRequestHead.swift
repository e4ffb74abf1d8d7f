/// How a request's body is delimited, decided from its head (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body: neither `Content-Length` nor `Transfer-Encoding`, or `Content-Length: 0`.
    case none
    /// Exactly this many bytes follow the head.
    case contentLength(Int)
    /// The chunked transfer coding; the length is known only at the last chunk.
    case chunked
}

/// A validated request head: the request line and header section, before any body byte.
public struct HTTPRequestHead: Sendable {
    /// The method token, case-sensitive as RFC 9110 §9.1 requires (`get` is not `GET`).
    public var method: String
    /// The request-target exactly as received, escapes included.
    public var target: String
    /// The percent-decoded path; absolute-form targets are reduced to their path, `*` stays `*`.
    public var path: String
    /// The percent-decoded query (without `?`), nil when the target has no `?`.
    public var query: String?
    /// The query split on `&` and `=` before decoding, so an escaped `%26` stays inside its value.
    public var queryItems: [(name: String, value: String)]
    /// The version from the request line; minor versions above 1 are kept but treated as 1.1.
    public var version: HTTPVersion
    /// Every field line in order, duplicates kept.
    public var headers: HTTPHeaders
    /// How the body is delimited.
    public var framing: HTTPBodyFraming
    /// Whether the connection may stay open after this exchange (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body (RFC 9110 §10.1.1).
    public var expectsContinue: Bool
    /// Bytes of the head on the wire, including the final empty line.
    public var wireLength: Int
}
