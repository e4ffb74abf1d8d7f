/// The path and query of a request-target, percent-decoded (RFC 9112 §3.2).
struct RequestTarget: Sendable {
    var path: String
    var query: String?
    var queryItems: [(name: String, value: String)]

    /// Reduces the four request-target forms to a path and query.
    ///
    /// origin-form `/p?q` is the common case; absolute-form `http://host/p?q` keeps only its
    /// path and query; asterisk-form `*` is accepted for OPTIONS only; authority-form is only
    /// meaningful for CONNECT, which the server does not implement (501, checked by the caller).
    static func parse(_ bytes: UnsafeRawBufferPointer, method: String) throws(HTTPError) -> RequestTarget {
        // RFC 9112 §3.2.4: asterisk-form = "*", only for a server-wide OPTIONS request.
        if bytes.count == 1, bytes[0] == UInt8(ascii: "*") {
            guard method == "OPTIONS" else { throw .badRequest("the asterisk-form target is only valid for OPTIONS") }
            return RequestTarget(path: "*", query: nil, queryItems: [])
        }
        var start = 0
        if bytes.first != UInt8(ascii: "/") {
            // RFC 9112 §3.2.2: "A server MUST accept the absolute-form in requests";
            // the authority is skipped, leaving the path-abempty and query.
            start = try absoluteFormPathStart(bytes)
        }
        // RFC 3986 §3.5: a fragment is not part of a request-target.
        guard !bytes.contains(UInt8(ascii: "#")) else { throw .badRequest("fragment in the request target") }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
        let questionMark = rest.firstIndex(of: UInt8(ascii: "?")) ?? rest.count
        let rawPath = UnsafeRawBufferPointer(rebasing: rest[..<questionMark])
        // RFC 3986 §2.1: the path is percent-decoded; invalid escapes are a 400.
        let path = rawPath.isEmpty ? "/" : try PercentDecoding.decode(rawPath)
        guard questionMark < rest.count else { return RequestTarget(path: path, query: nil, queryItems: []) }
        let rawQuery = UnsafeRawBufferPointer(rebasing: rest[(questionMark + 1)...])
        return RequestTarget(path: path, query: try PercentDecoding.decode(rawQuery), queryItems: try items(rawQuery))
    }

    /// The offset where the path starts in `scheme://authority/path?query`, or the end when
    /// the path is empty. Only the http and https schemes are accepted (RFC 9110 §4.2).
    private static func absoluteFormPathStart(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) -> Int {
        let lowered = bytes.prefix(8).map { $0 | 0x20 }
        let schemeLength: Int
        if lowered.starts(with: "http://".utf8) {
            schemeLength = 7
        } else if lowered.starts(with: "https://".utf8) {
            schemeLength = 8
        } else {
            throw .badRequest("the request target is neither origin-form nor absolute-form")
        }
        guard let pathStart = bytes[schemeLength...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else {
            guard bytes.count > schemeLength else { throw .badRequest("absolute-form target without an authority") }
            return bytes.count
        }
        guard pathStart > schemeLength else { throw .badRequest("absolute-form target without an authority") }
        return pathStart
    }

    /// `a=1&b=x%20y` → [("a", "1"), ("b", "x y")]; `+` decodes to a space in items, as in
    /// HTML form encoding, though not in the `query` string itself.
    private static func items(_ query: UnsafeRawBufferPointer) throws(HTTPError) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        for pair in query.split(separator: UInt8(ascii: "&")) {
            let raw = UnsafeRawBufferPointer(rebasing: pair)
            let equals = raw.firstIndex(of: UInt8(ascii: "=")) ?? raw.count
            let name = try PercentDecoding.decode(UnsafeRawBufferPointer(rebasing: raw[..<equals]), plusAsSpace: true)
            let value = equals < raw.count
                ? try PercentDecoding.decode(UnsafeRawBufferPointer(rebasing: raw[(equals + 1)...]), plusAsSpace: true)
                : ""
            items.append((name: name, value: value))
        }
        return items
    }
}
