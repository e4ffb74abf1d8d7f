// Our server answering the benchmark's tiny JSON POST: reads the body, answers {"ok":true}.
import HTTPServer
import Logging

let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8081
var logger = Logger(label: "bench-http-server")
logger.logLevel = .warning
let answer = Array(#"{"ok":true}"#.utf8)
let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port), logger: logger) { request in
    request.method == "POST" && request.path == "/" ? .json(answer) : .json(status: 404, #"{"error":"not found"}"#)
}
try server.start()
server.runUntilTerminated()
