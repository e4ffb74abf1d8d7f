/// A complete response: status, header fields and body.
///
/// The server adds `Date`, `Server`, `Content-Length` and `Connection` itself and drops any
/// `Content-Length`, `Transfer-Encoding` or `Connection` given here (`Connection: close` is
/// honoured: the connection closes after the answer). Fields whose name is not a token or
/// whose value holds CR, LF or NUL are dropped rather than sent (no response splitting).
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields in the order they will be sent.
    public var headers: HTTPHeaders
    /// The body; gzip-compressed on the way out when the client and content type allow.
    public var body: [UInt8]
    /// Work of this request that its client need not wait for (freeing what the handler
    /// built, say): the worker runs it once the response is handed to the connection.
    public var afterSending: (@Sendable () -> Void)?

    /// A response with the given parts.
    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response: `Content-Type: application/json` and the given, already-encoded body.
    public static func json(status: Int = 200, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// A JSON response from a UTF-8 string holding JSON text.
    public static func json(status: Int = 200, _ text: String) -> HTTPResponse {
        json(status: status, Array(text.utf8))
    }

    /// A plain-text response (`text/plain; charset=utf-8`).
    public static func text(status: Int = 200, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// The error envelope `{"error":{"code":"...","message":"..."}}` with any status.
    public static func error(status: Int, code: String, message: String) -> HTTPResponse {
        json(status: status, #"{"error":{"code":"\#(jsonEscaped(code))","message":"\#(jsonEscaped(message))"}}"#)
    }

    /// The server's own answer for `error`; 503 `overloaded` carries `Retry-After`.
    public static func error(_ error: HTTPError, retryAfterSeconds: Int = 1) -> HTTPResponse {
        var response = Self.error(status: error.status, code: error.code, message: error.message)
        if error == .overloaded {
            // RFC 9110 §10.2.3: Retry-After tells the client how long to wait before retrying.
            response.headers.add(name: "Retry-After", value: String(retryAfterSeconds))
        }
        return response
    }

    /// The standard reason phrase for `status`, or an empty one (RFC 9112 §4: it is optional).
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }

    private static func jsonEscaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
