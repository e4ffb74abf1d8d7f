import CZlib

/// gzip (RFC 1952) compression of responses and bounded inflation of request bodies, on zlib.
enum Gzip {
    /// Compresses `bytes` into one gzip member, or nil if zlib fails (then send it plain).
    static func compress(_ bytes: [UInt8], level: Int) -> [UInt8]? {
        var stream = z_stream()
        guard czlib_deflate_init_gzip(&stream, Int32(max(1, min(9, level)))) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let capacity = Int(deflateBound(&stream, UInt(bytes.count)))
        var status = Z_STREAM_ERROR
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            bytes.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(capacity)
                // deflateBound guarantees one Z_FINISH call completes the stream.
                status = deflate(&stream, Z_FINISH)
            }
            count = status == Z_STREAM_END ? Int(stream.total_out) : 0
        }
        return status == Z_STREAM_END ? output : nil
    }

    /// Inflates a gzip body, refusing (413) as soon as the output would pass `limit`: a small
    /// body inflating to gigabytes (a zip bomb) is cut off at `limit` bytes of work.
    /// Concatenated members are accepted (RFC 1952 §2.2); corrupt or truncated data is a 400.
    static func inflate(_ bytes: [UInt8], limit: Int) throws(HTTPError) -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw .badRequest("cannot initialise gzip decoding") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: min(limit + 1, max(16 * 1024, bytes.count * 4)))
        var produced = 0
        let result: HTTPError? = bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                if produced == output.count {
                    // RFC 9110 §8.4: the limit applies to the decoded content, not the wire bytes.
                    guard output.count <= limit else { return .payloadTooLarge }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, limit + 1 - output.count)))
                }
                let status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(out.count - produced)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = out.count - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_in > 0 else { return nil }
                    guard inflateReset(&stream) == Z_OK else { return .badRequest("corrupt gzip body") }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in > 0 || produced == output.count:
                    continue
                case Z_BUF_ERROR:
                    return .badRequest("truncated gzip body")
                default:
                    return .badRequest("corrupt gzip body")
                }
            }
        }
        if let result { throw result }
        guard produced <= limit else { throw .payloadTooLarge }
        output.removeLast(output.count - produced)
        return output
    }

    /// Decodes a request body according to its `Content-Encoding` (RFC 9110 §8.4): identity
    /// passes through, gzip is inflated under `limit` and the field removed, anything else is
    /// a 415 (RFC 9110 §15.5.16).
    static func decodeBody(of request: inout HTTPRequest, limit: Int) throws(HTTPError) {
        let codings = request.headers.values(for: "Content-Encoding")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingHTTPWhitespace() }
            .filter { !$0.isEmpty && !HTTPHeaders.namesMatch($0, "identity") }
        guard let coding = codings.first else { return }
        guard codings.count == 1, HTTPHeaders.namesMatch(coding, "gzip") || HTTPHeaders.namesMatch(coding, "x-gzip") else {
            throw .unsupportedMediaType(codings.joined(separator: ", "))
        }
        request.body = try inflate(request.body, limit: limit)
        request.headers.remove(name: "Content-Encoding")
    }
}
