/// Deciding whether a response may be gzip-compressed.
enum ContentNegotiation {
    /// Whether `Accept-Encoding` admits gzip (RFC 9110 §12.5.3): `gzip` or `x-gzip` with q > 0,
    /// or `*` with q > 0 when gzip is not listed itself. `gzip;q=0` refuses it; no field at
    /// all means no preference, which the server treats as "identity only" to stay safe.
    static func acceptsGzip(_ headers: HTTPHeaders) -> Bool {
        var gzip: Double?
        var wildcard: Double?
        for value in headers.values(for: "Accept-Encoding") {
            for element in value.split(separator: ",") {
                let parts = element.split(separator: ";")
                guard let coding = parts.first?.trimmingHTTPWhitespace(), !coding.isEmpty else { continue }
                var quality = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.trimmingHTTPWhitespace()
                    guard pair.count > 2, HTTPHeaders.namesMatch(pair.prefix(2), "q=") else { continue }
                    // RFC 9110 §12.4.2: qvalue in 0...1; an unreadable weight counts as a refusal.
                    quality = Double(pair.dropFirst(2)).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0
                }
                if HTTPHeaders.namesMatch(coding, "gzip") || HTTPHeaders.namesMatch(coding, "x-gzip") {
                    gzip = max(gzip ?? 0, quality)
                } else if coding == "*" {
                    wildcard = quality
                }
            }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }

    /// Whether a content type is worth compressing: text, JSON, XML, JavaScript and SVG.
    /// Images, archives and other already-compressed types are not.
    static func isCompressible(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = mediaType(of: contentType)
        return mediaType.hasPrefix("text/")
            || mediaType == "application/json" || mediaType.hasSuffix("+json")
            || mediaType == "application/xml" || mediaType.hasSuffix("+xml")
            || mediaType == "application/javascript" || mediaType == "image/svg+xml"
            || mediaType == "application/x-ndjson"
    }
}
