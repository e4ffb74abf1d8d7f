/// The size limits the request parser enforces, with defaults sized for a JSON API.
///
/// Every limit bounds memory an unauthenticated peer can make the server hold; each names the
/// status it produces and where it is enforced. Like NIO's `NIOHTTPDecoderLimitConfiguration`,
/// this is a plain value: change a field, hand it to `HTTPServerConfiguration.limits`.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line (method, target, version, CRLF), default 8 KiB.
    /// Why: the target is copied and percent-decoded; a larger one is almost surely abuse.
    /// Enforced in `HTTPRequestParser.findHeadEnd` → 414 `uri_too_long`.
    public var maxRequestLineLength: Int = 8 * 1024

    /// Largest header section (field lines after the request line, and a chunked body's
    /// trailer section), default 32 KiB. Why: the whole head is buffered before it is parsed.
    /// Enforced in `HTTPRequestParser.findHeadEnd` and `ChunkedDecoder` → 431 `headers_too_large`.
    public var maxHeaderBytes: Int = 32 * 1024

    /// Most field lines in a header (or trailer) section, default 100. Why: each field costs
    /// two strings; many tiny fields multiply allocations. Enforced in
    /// `HTTPRequestParser.parseFieldLines` and `ChunkedDecoder` → 431 `headers_too_large`.
    public var maxHeaderCount: Int = 100

    /// Largest request body, default 64 MiB, applied to the declared `Content-Length` (before
    /// any byte is read), to chunked bodies as chunk sizes arrive, and to gzip bodies after
    /// inflation. Why: bodies are buffered whole for the handler. Enforced in
    /// `FramingFields.framing`, `ChunkedDecoder` and `Gzip.inflate` → 413 `payload_too_large`.
    public var maxBodySize: Int = 64 * 1024 * 1024

    /// Longest chunk-size line including chunk extensions, default 4 KiB. Why: extensions are
    /// skipped, not stored, but must not let a peer stall the decoder on one endless line.
    /// Enforced in `ChunkedDecoder` → 400 `bad_request`.
    public var maxChunkLineLength: Int = 4 * 1024

    /// The defaults listed on each field.
    public init() {}
}
