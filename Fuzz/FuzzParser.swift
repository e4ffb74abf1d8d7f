// libFuzzer entry point for the request parser, compiled together with the parser's sources
// by Fuzz/run.sh (swiftc -sanitize=fuzzer,address). Not part of the SwiftPM package.
//
// Input layout: byte 0 picks the limits (bit 0: small ones) and the slice size for the split
// run (bits 1–4); the rest is the byte stream a client would send.
//
// Beyond "no crash, no sanitizer report", it checks two properties and traps when they fail:
// 1. Progress: every call consumes bytes, produces an event, or asks for more, within bounds.
// 2. Resumability: feeding the stream in small slices yields exactly the requests, bodies and
//    error that feeding it at once does (a resumable parser must not depend on read sizes).

/// What a byte stream parsed into, in a comparable form.
struct Transcript: Equatable {
    var requests: [String] = []
    var error: String?
}

func transcript(_ input: [UInt8], limits: HTTPParserLimits, slice: Int) -> Transcript {
    var parser = HTTPRequestParser(limits: limits)
    var result = Transcript()
    var buffer: [UInt8] = []
    var current = ""
    var body: [UInt8] = []
    var offset = 0
    var calls = 0
    repeat {
        let end = min(input.count, offset + slice)
        buffer += input[offset..<end]
        offset = end
        while true {
            calls += 1
            precondition(calls < 4 * input.count + 64, "the parser stopped making progress")
            let step: (event: HTTPRequestParser.Event?, consumed: Int)
            do {
                step = try buffer.withUnsafeBytes { raw in try parser.parse(raw) }
            } catch let error as HTTPError {
                result.error = error.code
                return result
            } catch {
                preconditionFailure("the parser throws only HTTPError")
            }
            precondition(step.consumed >= 0 && step.consumed <= buffer.count, "consumed more than it was given")
            switch step.event {
            case .head(let head)?:
                precondition(step.consumed > 0, "a head consumed nothing")
                let fields = head.headers.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
                let items = head.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
                current = "\(head.method) \(head.target) \(head.path) \(head.query ?? "-") \(items) \(head.version) \(fields) \(head.framing) \(head.keepAlive) \(head.expectsContinue)"
                body = []
            case .body(let range)?:
                precondition(!range.isEmpty && range.upperBound <= step.consumed, "a body range outside the consumed bytes")
                body += buffer[range]
            case .end?:
                result.requests.append(current + " body=\(body)")
            case nil:
                break
            }
            buffer.removeFirst(step.consumed)
            if case .none = step.event { break }
        }
    } while offset < input.count
    return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var limits = HTTPParserLimits()
    if control & 1 != 0 {
        limits.maxRequestLineLength = 64
        limits.maxHeaderBytes = 128
        limits.maxHeaderCount = 4
        limits.maxBodySize = 256
        limits.maxChunkLineLength = 32
    }
    let whole = transcript(input, limits: limits, slice: max(1, input.count))
    let sliced = transcript(input, limits: limits, slice: Int(control >> 1) % 16 + 1)
    if whole != sliced {
        print("whole:  \(whole)\nsliced: \(sliced)")
        preconditionFailure("slicing the input changed the parse")
    }
    return 0
}
