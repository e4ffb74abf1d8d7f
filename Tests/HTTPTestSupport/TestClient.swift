import Glibc
import Logging
import HTTPServer

/// A response as a blocking test client read it.
public struct TestResponse {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The `code` of a server error body (`{"error":{"code":"..."}}`).
    public var errorCode: String? {
        guard let range = text.firstRange(of: #""code":""#) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

public struct TestClientError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// A blocking TCP client over raw sockets with a receive timeout, for integration tests.
public final class TestClient: @unchecked Sendable {
    public let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host:port` (IPv4 or IPv6 literal); throws when the connection is refused.
    public init(port: Int, host: String = "127.0.0.1", timeoutSeconds: Int = 10) throws {
        let isV6 = host.contains(":")
        fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError(description: "socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw TestClientError(description: "connect failed: errno \(code)")
        }
    }

    deinit { close(fd) }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestClientError(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Sends `text` one byte per write.
    public func sendByteByByte(_ text: String) throws {
        for byte in text.utf8 { try send([byte]) }
    }

    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads one response (an interim 1xx included); the body by Content-Length, else to EOF.
    public func readResponse(isHead: Bool = false) throws -> TestResponse {
        let headEnd = try readUntilHeadEnd()
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd)
        var lines = headText.split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestClientError(description: "bad status line") }
        var headers = HTTPHeaders()
        for line in lines {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers.add(name: String(parts[0]), value: parts.count > 1 ? String(parts[1].drop { $0 == " " }) : "")
        }
        if status < 200 || isHead { return TestResponse(status: status, headers: headers, body: []) }
        if let length = headers["Content-Length"].flatMap(Int.init) {
            while buffer.count < length { guard try fill() else { throw TestClientError(description: "body truncated") } }
            let body = Array(buffer[..<length])
            buffer.removeFirst(length)
            return TestResponse(status: status, headers: headers, body: body)
        }
        while try fill() {}
        defer { buffer = [] }
        return TestResponse(status: status, headers: headers, body: buffer)
    }

    /// Whether the server closed the connection (reads EOF or a reset) with nothing more sent.
    public func isClosedByServer() -> Bool {
        guard buffer.isEmpty else { return false }
        return (try? fill()) != true
    }

    /// Waits up to `seconds` for the server to close; true when it did.
    public func waitForClose(seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var scratch = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &scratch, scratch.count, 0)
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private func readUntilHeadEnd() throws -> Int {
        while true {
            if let end = buffer.firstRange(of: [13, 10, 13, 10])?.upperBound { return end }
            guard try fill() else { throw TestClientError(description: "connection closed before a response head") }
        }
    }

    /// Reads once; false at end of stream.
    @discardableResult
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count > 0 {
            buffer += chunk[..<count]
            return true
        }
        if count == 0 || errno == ECONNRESET { return false }
        throw TestClientError(description: "recv failed: errno \(errno)")
    }
}

/// Runs `body` against a server started in-process on an ephemeral port, then drains it.
public func withServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    observer: HTTPExchangeObserver? = nil,
    handler: @escaping HTTPHandler = echo,
    _ body: (HTTPServer) throws -> Void
) throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    var logger = Logger(label: "http-server-tests")
    logger.logLevel = .warning
    let server = HTTPServer(configuration: configuration, logger: logger, observer: observer, handler: handler)
    try server.start()
    defer {
        server.shutdown(drainTimeout: .seconds(2))
        server.waitUntilStopped()
    }
    try body(server)
}

/// Echoes the request: method, path and query in headers, the body as the body.
public let echo: HTTPHandler = { request in
    HTTPResponse(
        status: 200,
        headers: ["Content-Type": request.headers["Content-Type"] ?? "application/octet-stream", "X-Method": request.method, "X-Path": request.path],
        body: request.body
    )
}

/// `GET path` with Host and any extra header lines.
public func get(_ path: String = "/", _ headers: [String] = [], version: String = "HTTP/1.1") -> String {
    "GET \(path) \(version)\r\nHost: test\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
}

/// A Content-Length POST of `body` with any extra header lines.
public func postRequest(_ path: String = "/", body: [UInt8], _ headers: [String] = []) -> [UInt8] {
    Array("POST \(path) HTTP/1.1\r\nHost: test\r\nContent-Length: \(body.count)\r\n".utf8)
        + Array((headers.map { $0 + "\r\n" }.joined() + "\r\n").utf8) + body
}

/// Seconds elapsed while running `body`.
public func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
