import AutogradProgram
import AutogradService
import Foundation
import HTTPServer
import HTTPTestSupport
import Logging

/// Runs `body` against the real service on an ephemeral port, over real sockets.
func withService(limits: ProgramLimits = ProgramLimits(),
                 _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                 _ body: (HTTPServer, Service) throws -> Void) throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    var logger = Logger(label: "autograd-service-tests")
    logger.logLevel = .warning
    let service = Service(limits: limits)
    let server = HTTPServer(configuration: configuration, logger: logger,
                            onDrainStarted: { service.startDraining() },
                            observer: { service.metrics.record($0) },
                            handler: { service.handle($0) })
    try server.start()
    defer {
        server.shutdown(drainTimeout: .seconds(2))
        server.waitUntilStopped()
    }
    try body(server, service)
}

extension HTTPServer {
    /// One request on a fresh connection.
    func request(_ method: String, _ path: String, body: [UInt8] = [], headers: [String] = []) throws -> TestResponse {
        let client = try TestClient(port: localPort, timeoutSeconds: 30)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: test\r\n"
        if method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += headers.map { $0 + "\r\n" }.joined() + "\r\n"
        try client.send(Array(head.utf8) + body)
        return try client.readResponse(isHead: method == "HEAD")
    }

    /// `POST /v1/evaluate` of a JSON program given as text.
    func evaluate(_ program: String) throws -> TestResponse {
        try request("POST", "/v1/evaluate", body: Array(program.utf8), headers: ["Content-Type: application/json"])
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// `error.message` of an error body.
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
}
