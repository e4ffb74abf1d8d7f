/// A resumable decoder for the chunked transfer coding (RFC 9112 §7.1).
///
/// Feed it any slice of the stream; it returns the data bytes it found as ranges into that
/// slice (never copying them) and how much it consumed, and picks up in the middle of a size
/// line, an extension or a trailer on the next call. The declared sizes are counted against
/// `maxBodySize` as each size line completes, before the chunk's data is read.
struct ChunkedDecoder: Sendable {
    enum Event: Equatable {
        /// Chunk data at these offsets of the bytes just passed in.
        case data(Range<Int>)
        /// The last chunk and the trailer section have been read.
        case end
    }

    private enum State: Sendable {
        /// Reading chunk-size hex digits: the value so far and how many digits were seen.
        case size(value: Int, digits: Int)
        /// After the size: skipping whitespace and chunk extensions up to the line end.
        case sizeLineRest(value: Int, inExtension: Bool)
        /// Saw CR at the end of the size line; LF must follow.
        case sizeLineCR(value: Int)
        /// Inside chunk data with this many bytes left.
        case data(remaining: Int)
        /// After chunk data: expecting CRLF (or a lone LF).
        case dataEnd(sawCR: Bool)
        /// Inside the trailer section, collecting one field line.
        case trailer(line: [UInt8], sawCR: Bool)
        case done
    }

    private let limits: HTTPParserLimits
    private var state = State.size(value: 0, digits: 0)
    private var lineLength = 0
    private var bodyBytes = 0
    private var trailerBytes = 0
    private var trailerCount = 0

    init(limits: HTTPParserLimits) {
        self.limits = limits
    }

    /// Decodes from the start of `bytes`: returns an event (nil when more bytes are needed)
    /// and how many bytes were consumed. Call again with the unconsumed rest until it returns nil.
    mutating func next(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) -> (event: Event?, consumed: Int) {
        if case .done = state { return (.end, 0) }
        var index = 0
        let table = ByteClass.table
        while index < bytes.count {
            let byte = bytes[index]
            switch state {
            case .size(let value, let digits):
                if table[Int(byte)] & ByteClass.hex != 0 {
                    // RFC 9112 §7.1: "anticipate potentially large hexadecimal numerals and
                    // prevent parsing errors due to integer conversion overflows".
                    guard value <= (Int.max - 15) >> 4 else { throw .payloadTooLarge }
                    state = .size(value: value << 4 | ByteClass.hexValue(byte), digits: digits + 1)
                    try countLine()
                    index += 1
                } else {
                    // RFC 9112 §7.1: chunk-size = 1*HEXDIG
                    guard digits > 0 else { throw .badRequest("chunk size is not hexadecimal") }
                    try checkBudget(value)
                    state = .sizeLineRest(value: value, inExtension: false)
                }
            case .sizeLineRest(let value, let inExtension):
                index += 1
                if byte == .cr {
                    state = .sizeLineCR(value: value)
                } else if byte == .lf {
                    // RFC 9112 §2.2: a recipient MAY recognize a single LF as a line terminator.
                    try endSizeLine(value)
                } else if inExtension || byte == UInt8(ascii: ";") {
                    // RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] );
                    // extensions are skipped, but control characters in them are not field content.
                    guard table[Int(byte)] & ByteClass.fieldValue != 0 else {
                        throw .badRequest("control character in a chunk extension")
                    }
                    state = .sizeLineRest(value: value, inExtension: true)
                    try countLine()
                } else {
                    // RFC 9112 §7.1.1: only BWS may separate the size from the first ";".
                    guard byte == .space || byte == .tab else { throw .badRequest("chunk size is not hexadecimal") }
                    try countLine()
                }
            case .sizeLineCR(let value):
                // RFC 9112 §2.2: a bare CR (not followed by LF) is invalid.
                guard byte == .lf else { throw .badRequest("bare CR in a chunk-size line") }
                index += 1
                try endSizeLine(value)
            case .data(let remaining):
                let available = min(remaining, bytes.count - index)
                let left = remaining - available
                state = left == 0 ? .dataEnd(sawCR: false) : .data(remaining: left)
                return (.data(index..<index + available), index + available)
            case .dataEnd(let sawCR):
                index += 1
                if byte == .cr, !sawCR {
                    state = .dataEnd(sawCR: true)
                } else if byte == .lf {
                    state = .size(value: 0, digits: 0)
                    lineLength = 0
                } else {
                    // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
                    throw .badRequest("chunk data is not followed by CRLF")
                }
            case .trailer(var line, let sawCR):
                index += 1
                if sawCR, byte != .lf { throw .badRequest("bare CR in the trailer section") }
                if byte == .cr {
                    state = .trailer(line: line, sawCR: true)
                } else if byte == .lf {
                    guard !line.isEmpty else {
                        state = .done
                        return (.end, index)
                    }
                    try Self.validateTrailerField(line)
                    trailerCount += 1
                    // RFC 9112 §7.1.2: trailer fields obey the same limits as header fields.
                    guard trailerCount <= limits.maxHeaderCount else { throw .headersTooLarge }
                    state = .trailer(line: [], sawCR: false)
                } else {
                    trailerBytes += 1
                    guard trailerBytes <= limits.maxHeaderBytes else { throw .headersTooLarge }
                    state = .done  // release `line` so the append below does not copy it
                    line.append(byte)
                    state = .trailer(line: line, sawCR: false)
                }
            case .done:
                return (.end, index)
            }
        }
        return (nil, index)
    }

    private mutating func countLine() throws(HTTPError) {
        lineLength += 1
        guard lineLength <= limits.maxChunkLineLength else {
            throw .badRequest("chunk-size line is too long")
        }
    }

    /// RFC 9112 §7.1: counts each declared chunk size against the body limit before reading it.
    private mutating func checkBudget(_ size: Int) throws(HTTPError) {
        guard size <= limits.maxBodySize - bodyBytes else { throw .payloadTooLarge }
    }

    private mutating func endSizeLine(_ size: Int) throws(HTTPError) {
        bodyBytes += size
        lineLength = 0
        // RFC 9112 §7.1: last-chunk = 1*("0") [ chunk-ext ] CRLF, then the trailer section.
        state = size == 0 ? .trailer(line: [], sawCR: false) : .data(remaining: size)
    }

    /// RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ); validated like a header line, then dropped.
    private static func validateTrailerField(_ line: [UInt8]) throws(HTTPError) {
        let table = ByteClass.table
        guard let colon = line.firstIndex(of: .colon), colon > 0 else {
            throw .badRequest("trailer field without a name")
        }
        for byte in line[..<colon] where table[Int(byte)] & ByteClass.token == 0 {
            throw .badRequest("invalid character in a trailer field name")
        }
        for byte in line[(colon + 1)...] where table[Int(byte)] & ByteClass.fieldValue == 0 {
            throw .badRequest("control character in a trailer field value")
        }
    }
}
