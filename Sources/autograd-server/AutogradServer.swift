import ArgumentParser
import AutogradProgram
import AutogradService
import Foundation
import HTTPServer
import Logging

/// `autograd-server`: serves API.md over HTTP, or evaluates one program offline.
@main
struct AutogradServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autograd-server",
        abstract: "PyTorch-exact gradients over HTTP: POST a JSON program, get values, grad_fn names and gradients.",
        subcommands: [Serve.self, Evaluate.self],
        defaultSubcommand: Serve.self
    )
}

/// The compute limits of a program, shared by both subcommands.
struct LimitOptions: ParsableArguments {
    @Option(help: "Ceiling and default of a while block's max_iterations.")
    var maxIterations = 1000
    @Option(help: "Steps executed per request, loop passes included.")
    var maxSteps = 100_000
    @Option(help: "Elements of any one tensor.")
    var maxElements = 1 << 24
    @Option(help: "Bytes of tensor storage alive at once per request.")
    var maxTensorBytes = 1 << 30
    @Option(help: "Wall-time limit of one evaluation, in seconds.")
    var timeLimit = 10.0

    var limits: ProgramLimits {
        var limits = ProgramLimits()
        limits.maxIterations = maxIterations
        limits.maxSteps = maxSteps
        limits.maxElements = maxElements
        limits.maxBytes = maxTensorBytes
        limits.maxDuration = .milliseconds(Int64(timeLimit * 1000))
        return limits
    }
}

extension AutogradServer {
    /// Starts the HTTP server (the default subcommand).
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the HTTP server (the default).")

        @Option(help: "Address to listen on: 127.0.0.1, 0.0.0.0, ::, or a host name.")
        var host = "127.0.0.1"
        @Option(help: "Port to listen on (0 picks a free one).")
        var port = 8080
        @OptionGroup var limits: LimitOptions
        @Option(help: "Largest request body in bytes (after gzip inflation).")
        var maxBodyBytes = 64 << 20
        @Option(help: "Open connections at most; more are answered 503.")
        var maxConnections = 10_000
        @Option(help: "Requests in flight at most; more are answered 503 with Retry-After.")
        var maxInFlight = 1024
        @Option(help: "Worker threads that run requests (default: the number of cores).")
        var workers: Int?
        @Option(help: "Seconds a client may take to send its request head.")
        var headerTimeout = 10.0
        @Option(help: "Seconds a client may take to send its body.")
        var bodyTimeout = 30.0
        @Option(help: "Seconds an idle keep-alive connection stays open.")
        var idleTimeout = 60.0
        @Option(help: "Seconds requests in flight may take to finish on SIGTERM/SIGINT.")
        var drainTimeout = 25.0
        @Option(help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: Logger.Level = .info
        @Flag(inversion: .prefixedNo, help: "Serve from a worker process, started again if it crashes.")
        var supervise = true
        @Option(help: .hidden)
        var listenFds: String?

        func run() throws {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
            let logger = Logger(label: "autograd-server")
            if supervise && listenFds == nil {
                let listeners: [Int32]
                do {
                    listeners = try HTTPServer.listen(host: host, port: port).descriptors
                } catch {
                    throw ValidationError("cannot listen on \(host):\(port): \(error)")
                }
                let worker = Array(CommandLine.arguments.dropFirst())
                    + ["--listen-fds", listeners.map(String.init).joined(separator: ",")]
                throw ExitCode(Supervisor(workerArguments: worker, listeners: listeners, logger: logger).run())
            }
            var configuration = HTTPServerConfiguration(host: host, port: port)
            var parentWatch: DispatchSourceTimer?
            if let listenFds {   // a supervised worker
                configuration.listeningDescriptors = listenFds.split(separator: ",").compactMap { Int32($0) }
                parentWatch = Supervisor.exitWithParent(logger: logger)
            }
            defer { parentWatch?.cancel() }
            configuration.limits.maxBodySize = maxBodyBytes
            configuration.maxConnections = maxConnections
            configuration.maxRequestsInFlight = maxInFlight
            if let workers { configuration.workerCount = max(1, workers) }
            configuration.headerTimeout = .seconds(headerTimeout)
            configuration.bodyTimeout = .seconds(bodyTimeout)
            configuration.idleTimeout = .seconds(idleTimeout)
            configuration.drainTimeout = .seconds(drainTimeout)
            configuration.serverName = "autograd-server"
            let service = Service(limits: limits.limits)
            let server = HTTPServer(configuration: configuration, logger: logger,
                                    onDrainStarted: { service.startDraining() },
                                    observer: { service.metrics.record($0) },
                                    handler: { service.handle($0) })
            do {
                try server.start()
            } catch {
                throw ValidationError("cannot listen on \(host):\(port): \(error)")
            }
            server.runUntilTerminated()
        }
    }

    /// Runs one program offline and prints the answer.
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Evaluate one program (a file, or - for standard input) and print the answer.",
            discussion: "Exits 0 when the program ran (status 200), 1 otherwise."
        )

        @Argument(help: "The program's JSON file, or - to read standard input.")
        var file: String
        @OptionGroup var limits: LimitOptions

        func run() throws {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                                   : try Data(contentsOf: URL(fileURLWithPath: file))
            let (answer, leftovers) = Evaluator(limits: limits.limits).evaluateLeavingCleanup([UInt8](data))
            FileHandle.standardOutput.write(Data(answer.body + [UInt8(ascii: "\n")]))
            leftovers.free()   // after the answer is out
            if answer.status != 200 { throw ExitCode(1) }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
