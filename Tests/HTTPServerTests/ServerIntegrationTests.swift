import HTTPTestSupport
import Dispatch
import Glibc
import Synchronization
import Testing
@testable import HTTPServer

/// Over real sockets against a server started in-process on port 0. Serialized so that the
/// timing-sensitive tests do not compete with each other for the two cores.
@Suite("Server over real sockets", .serialized)
struct ServerIntegrationTests {
    @Test("reuses one keep-alive connection for 1,000 requests")
    func keepAlive() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            for index in 0..<1000 {
                try client.send(get("/\(index)"))
                let response = try client.readResponse()
                #expect(response.status == 200 && response.headers["X-Path"] == "/\(index)")
            }
        }
    }

    @Test("answers three pipelined requests sent in one write, in order")
    func pipelining() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.send(get("/1") + String(decoding: postRequest("/2", body: Array("two".utf8)), as: UTF8.self) + get("/3"))
            let responses = try (0..<3).map { _ in try client.readResponse() }
            #expect(responses.map { $0.headers["X-Path"] } == ["/1", "/2", "/3"] && responses[1].text == "two")
        }
    }

    @Test("answers a request sent one byte per write")
    func byteByByte() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.sendByteByByte(String(decoding: postRequest("/slow", body: Array("body".utf8)), as: UTF8.self))
            let response = try client.readResponse()
            #expect(response.status == 200 && response.text == "body")
        }
    }

    @Test("answers 500 concurrent connections")
    func manyConnections() throws {
        try withServer { server in
            let clients = try (0..<500).map { _ in try TestClient(port: server.localPort) }
            for (index, client) in clients.enumerated() { try client.send(get("/\(index)")) }
            let paths = try clients.map { try $0.readResponse().headers["X-Path"] }
            #expect(paths == (0..<500).map { "/\($0)" })
        }
    }

    @Test("answers a normal request within 1 s while 20 slowloris clients drip header bytes")
    func slowloris() throws {
        try withServer { server in
            let drippers = try (0..<20).map { _ in try TestClient(port: server.localPort) }
            let stop = Atomic(false)
            let done = DispatchGroup()
            DispatchQueue.global().async(group: done) {
                var index = 0
                let head = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100)
                while !stop.load(ordering: .relaxed), index < head.count {
                    for client in drippers { try? client.send([head[index]]) }
                    index += 1
                    usleep(1_000_000)
                }
            }
            usleep(1_500_000)
            let client = try TestClient(port: server.localPort)
            let elapsed = try measure {
                try client.send(get("/fast"))
                #expect(try client.readResponse().status == 200)
            }
            stop.store(true, ordering: .relaxed)
            done.wait()
            #expect(elapsed < 1.0)
        }
    }

    @Test("refuses a declared 1 GiB body with 413 at once, without reading it, and closes")
    func hugeDeclaredBody() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            var response: TestResponse?
            let elapsed = try measure {
                try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n" + String(repeating: "a", count: 1000))
                response = try client.readResponse()
            }
            #expect(response?.status == 413 && response?.errorCode == "payload_too_large" && elapsed < 1.0)
            #expect(response?.headers["Connection"] == "close" && client.waitForClose(seconds: 5))
        }
    }

    @Test("drains on shutdown: the in-flight request is answered, new connections are refused")
    func drain() throws {
        let entered = DispatchSemaphore(value: 0)
        let drainStarted = Atomic(false)
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.drainTimeout = .seconds(10)
        let server = HTTPServer(configuration: configuration, logger: .init(label: "drain"), onDrainStarted: { drainStarted.store(true, ordering: .relaxed) }) { request in
            entered.signal()
            usleep(500_000)
            return .text("finished \(request.path)")
        }
        try server.start()
        let port = server.localPort
        let inFlight = try TestClient(port: port)
        let idle = try TestClient(port: port)
        try inFlight.send(get("/slow"))
        entered.wait()
        server.shutdown(drainTimeout: nil)
        #expect(server.isDraining && drainStarted.load(ordering: .relaxed))
        let response = try inFlight.readResponse()
        #expect(response.status == 200 && response.text == "finished /slow" && response.headers["Connection"] == "close")
        #expect(idle.waitForClose(seconds: 5))
        server.waitUntilStopped()
        #expect(throws: TestClientError.self) { try TestClient(port: port) }
    }

    @Test("compresses a large JSON response for a client that accepts gzip")
    func gzipResponse() throws {
        let json = "[" + (0..<500).map { #"{"index":\#($0)}"# }.joined(separator: ",") + "]"
        try withServer(handler: { _ in .json(json) }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send(get("/", ["Accept-Encoding: br;q=1, gzip;q=0.5"]))
            let response = try client.readResponse()
            #expect(response.headers["Content-Encoding"] == "gzip" && response.headers["Vary"] == "Accept-Encoding")
            #expect(try Gzip.inflate(response.body, limit: 1 << 20) == Array(json.utf8) && response.body.count < json.utf8.count / 3)
            try client.send(get("/", ["Accept-Encoding: gzip;q=0"]))
            let plain = try client.readResponse()
            #expect(plain.headers["Content-Encoding"] == nil && plain.text == json)
        }
    }

    @Test("inflates a gzip request body before the handler sees it")
    func gzipRequest() throws {
        let original = Array(String(repeating: "hello gzip ", count: 200).utf8)
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.send(postRequest(body: Gzip.compress(original, level: 6)!, ["Content-Encoding: gzip"]))
            let response = try client.readResponse()
            #expect(response.status == 200 && response.body == original)
        }
    }

    @Test("refuses a zip bomb with 413 once the inflated size passes the body limit")
    func zipBomb() throws {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)!
        try withServer({ $0.limits.maxBodySize = 1 << 20 }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send(postRequest(body: bomb, ["Content-Encoding: gzip"]))
            let response = try client.readResponse()
            #expect(bomb.count < 1 << 20 && response.status == 413 && response.errorCode == "payload_too_large")
        }
    }

    @Test("answers 415 for an unknown request content coding")
    func unknownContentCoding() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.send(postRequest(body: Array("x".utf8), ["Content-Encoding: br"]))
            #expect(try client.readResponse().errorCode == "unsupported_media_type")
        }
    }

    @Test("sends 100 Continue before reading an expected body")
    func expectContinue() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("hello")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test("answers 413 instead of 100 Continue when the declared body is too large")
    func expectContinueTooLarge() throws {
        try withServer({ $0.limits.maxBodySize = 1000 }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 413)
        }
    }

    @Test("answers HEAD with GET's Content-Length and no body")
    func head() throws {
        try withServer(handler: { _ in .text("twelve bytes") }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + get())
            let head = try client.readResponse(isHead: true)
            let get = try client.readResponse()
            #expect(head.headers["Content-Length"] == "12" && get.text == "twelve bytes")
        }
    }

    @Test("closes HTTP/1.0 connections unless keep-alive is asked, and confirms keep-alive")
    func http10() throws {
        try withServer { server in
            let closing = try TestClient(port: server.localPort)
            try closing.send(get("/", version: "HTTP/1.0"))
            #expect(try closing.readResponse().headers["Connection"] == "close" && closing.waitForClose(seconds: 5))
            let kept = try TestClient(port: server.localPort)
            for _ in 0..<2 {
                try kept.send(get("/", ["Connection: keep-alive"], version: "HTTP/1.0"))
                #expect(try kept.readResponse().headers["Connection"] == "keep-alive")
            }
        }
    }

    @Test("answers a client that half-closed after sending its request")
    func halfClose() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.send(postRequest(body: Array("bye".utf8)))
            client.shutdownWrite()
            #expect(try client.readResponse().text == "bye" && client.waitForClose(seconds: 5))
        }
    }

    @Test("answers 408 and closes when the head does not arrive in time")
    func headerTimeout() throws {
        try withServer({ $0.headerTimeout = .milliseconds(300) }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send("GET / HTTP/1.1\r\nHost:")
            let response = try client.readResponse()
            #expect(response.status == 408 && response.errorCode == "request_timeout" && client.waitForClose(seconds: 5))
        }
    }

    @Test("answers 408 when the body does not arrive in time")
    func bodyTimeout() throws {
        try withServer({ $0.bodyTimeout = .milliseconds(300) }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            #expect(try client.readResponse().status == 408)
        }
    }

    @Test("closes an idle keep-alive connection silently after the idle timeout")
    func idleTimeout() throws {
        try withServer({ $0.idleTimeout = .milliseconds(200) }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send(get())
            _ = try client.readResponse()
            #expect(client.waitForClose(seconds: 5) && client.isClosedByServer())
        }
    }

    @Test("answers 503 with Retry-After past the connection cap")
    func connectionCap() throws {
        try withServer({ $0.maxConnections = 2 }) { server in
            let held = try (0..<2).map { _ in try TestClient(port: server.localPort) }
            for client in held {
                try client.send(get())
                _ = try client.readResponse()
            }
            let extra = try TestClient(port: server.localPort)
            try extra.send(get())
            let response = try extra.readResponse()
            #expect(response.status == 503 && response.errorCode == "overloaded" && response.headers["Retry-After"] == "1")
        }
    }

    @Test("answers 503 with Retry-After past the in-flight request cap, and serves again after")
    func inFlightCap() throws {
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let handler: HTTPHandler = { request in
            if request.path == "/block" {
                entered.signal()
                release.wait()
            }
            return .text("ok")
        }
        try withServer({ $0.maxRequestsInFlight = 1 }, handler: handler) { server in
            let blocked = try TestClient(port: server.localPort), other = try TestClient(port: server.localPort)
            try blocked.send(get("/block"))
            entered.wait()
            try other.send(get("/other"))
            let refused = try other.readResponse()
            #expect(refused.status == 503 && refused.headers["Retry-After"] == "1" && refused.errorCode == "overloaded")
            release.signal()
            #expect(try blocked.readResponse().status == 200)
            try other.send(get("/other"))
            #expect(try other.readResponse().status == 200)
        }
    }

    @Test("answers malformed input with a JSON 400 and closes; the observer sees it")
    func badRequestJSON() throws {
        let statuses = Mutex<[Int]>([])
        try withServer(observer: { record in statuses.withLock { $0.append(record.status) } }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400 && response.headers["Content-Type"] == "application/json")
            #expect(response.text.hasPrefix(#"{"error":{"code":"bad_request","message":"#) && client.waitForClose(seconds: 5))
        }
        #expect(statuses.withLock { $0 } == [400])
    }

    @Test("closes after a smuggling attempt so the smuggled request is never answered")
    func smugglingOverSocket() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + get("/smuggled"))
            #expect(try client.readResponse().status == 400 && client.waitForClose(seconds: 5) && client.isClosedByServer())
        }
    }

    @Test("reports every answered request to the observer with sizes and status")
    func observer() throws {
        let records = Mutex<[HTTPExchangeRecord]>([])
        try withServer(observer: { record in records.withLock { $0.append(record) } }) { server in
            let client = try TestClient(port: server.localPort)
            try client.send(postRequest("/obs", body: Array("12345".utf8)))
            _ = try client.readResponse()
        }
        let record = try #require(records.withLock { $0.first })
        #expect(record.method == "POST" && record.path == "/obs" && record.status == 200 && record.bytesIn > 5 && record.bytesOut > 5)
    }

    @Test("runs a response's afterSending work once the client has the response")
    func workAfterSending() throws {
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        let handler: HTTPHandler = { _ in
            var response = HTTPResponse(status: 200, body: Array("done".utf8))
            response.afterSending = {
                started.signal()
                release.wait()   // held until the test has read the response
                finished.signal()
            }
            return response
        }
        try withServer(handler: handler) { server in
            var released = false
            defer { if !released { release.signal() } }   // never leave the worker blocked
            let client = try TestClient(port: server.localPort)
            try client.send(get())
            let response = try client.readResponse()
            #expect(response.status == 200 && response.body == Array("done".utf8))
            #expect(started.wait(timeout: .now() + 5) == .success)
            release.signal()
            released = true
            #expect(finished.wait(timeout: .now() + 5) == .success)
        }
    }

    @Test("sends Date, Server and Content-Length on every response")
    func standardHeaders() throws {
        try withServer { server in
            let client = try TestClient(port: server.localPort)
            try client.send(get())
            let response = try client.readResponse()
            #expect(response.headers["Date"]?.hasSuffix(" GMT") == true && response.headers["Server"] == "swift-http-server" && response.headers["Content-Length"] == "0")
        }
    }

    @Test("serves sockets bound beforehand (a supervisor's), one server after another on the same ones")
    func inheritedListeners() throws {
        let (descriptors, port) = try HTTPServer.listen(host: "127.0.0.1", port: 0)
        // a second copy of each descriptor, as a supervisor keeps while a worker serves them
        let kept = descriptors.map { dup($0) }
        defer { kept.forEach { _ = close($0) } }
        for copy in [descriptors, kept.map { dup($0) }] {
            // a connection made before the server starts waits in the backlog
            let early = try TestClient(port: port)
            try withServer({ $0.listeningDescriptors = copy }) { server in
                #expect(server.localPort == port)
                try early.send(get("/early"))
                #expect(try early.readResponse().headers["X-Path"] == "/early")
            }
        }
    }

    @Test("listens on IPv6 loopback and on the dual-stack wildcard")
    func ipv6() throws {
        try withServer({ $0.host = "::1" }) { server in
            let client = try TestClient(port: server.localPort, host: "::1")
            try client.send(get())
            #expect(try client.readResponse().status == 200)
        }
        try withServer({ $0.host = "::" }) { server in
            let client = try TestClient(port: server.localPort, host: "127.0.0.1")
            try client.send(get())
            #expect(try client.readResponse().status == 200)
        }
    }
}
