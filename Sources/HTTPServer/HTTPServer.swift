import Dispatch
import Glibc
import Logging
import Synchronization

/// An HTTP/1.1 server on POSIX sockets, epoll and Dispatch that answers every request with
/// one handler.
///
/// One I/O thread runs an edge-triggered epoll loop over every connection; handlers run on a
/// bounded worker pool sized to the cores. `start()` returns once listening; `shutdown`
/// drains; `runUntilTerminated()` does both around SIGTERM/SIGINT. See docs/http-server.md.
public final class HTTPServer: Sendable {
    private enum State {
        case idle
        case running(EventLoop, port: Int)
        case draining(EventLoop, port: Int)
        case stopped(port: Int)
    }

    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    private let logger: Logger
    private let handler: HTTPHandler
    private let onDrainStarted: (@Sendable () -> Void)?
    private let observer: HTTPExchangeObserver?
    private let state = Mutex(State.idle)
    private let stopped = DispatchGroup()

    /// A server that will answer with `handler` once started.
    ///
    /// - Parameters:
    ///   - onDrainStarted: called once, on the thread that calls `shutdown`, before draining
    ///     begins, so a readiness probe can start failing.
    ///   - observer: called once per answered request, including the server's own error
    ///     answers, on a worker or the I/O thread; it must be quick.
    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        logger: Logger,
        onDrainStarted: (@Sendable () -> Void)? = nil,
        observer: HTTPExchangeObserver? = nil,
        handler: @escaping HTTPHandler
    ) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        self.onDrainStarted = onDrainStarted
        self.observer = observer
    }

    /// Binds, listens and starts the I/O thread; returns once connections are being accepted.
    /// Ignores SIGPIPE for the process (writes to vanished peers must fail with EPIPE, not kill
    /// it). Throws `HTTPError.system` if binding fails or the server was already started.
    public func start() throws {
        try state.withLock { (state: inout State) throws(HTTPError) in
            guard case .idle = state else { throw .system(operation: "start (already started)", errno: EALREADY) }
            signal(SIGPIPE, SIG_IGN)
            let listeners: [Int32], port: Int
            if let inherited = configuration.listeningDescriptors {
                guard let first = inherited.first else { throw .system(operation: "listen (no inherited sockets)", errno: EINVAL) }
                (listeners, port) = (inherited, Socket.localPort(of: first))
            } else {
                (listeners, port) = try Socket.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
            }
            let loop: EventLoop
            do throws(HTTPError) {
                loop = try EventLoop(
                    configuration: configuration, listeners: listeners, logger: logger, handler: handler,
                    observer: observer, onStop: { [weak self] in self?.loopStopped() }
                )
            } catch {
                listeners.forEach { _ = close($0) }
                throw error
            }
            stopped.enter()
            do throws(HTTPError) {
                try startThread(name: "http-event-loop") { loop.run() }
            } catch {
                loop.releaseWithoutRunning()
                stopped.leave()
                throw error
            }
            state = .running(loop, port: port)
            logger.info("listening", metadata: ["host": .string(configuration.host), "port": .stringConvertible(port)])
        }
    }

    /// Binds and listens on every address `host` resolves to, as `start()` does: for a process
    /// that supervises workers, which serve these descriptors through
    /// `HTTPServerConfiguration.listeningDescriptors`. Answers the descriptors and the port.
    public static func listen(host: String, port: Int, backlog: Int = 1024) throws -> (descriptors: [Int32], port: Int) {
        signal(SIGPIPE, SIG_IGN)
        return try Socket.listen(host: host, port: port, backlog: backlog)
    }

    /// The bound port (the ephemeral one when configured with 0); 0 before `start()`.
    public var localPort: Int {
        state.withLock { state in
            switch state {
            case .idle: 0
            case .running(_, let port), .draining(_, let port), .stopped(let port): port
            }
        }
    }

    /// Whether `shutdown` has begun (stays true once stopped).
    public var isDraining: Bool {
        state.withLock { state in
            switch state {
            case .idle, .running: false
            case .draining, .stopped: true
            }
        }
    }

    /// Stops accepting, answers requests already in flight (with `Connection: close`), closes
    /// idle connections, then stops once none remain or `drainTimeout` (default: the
    /// configuration's) has passed. Returns at once; `waitUntilStopped()` waits. Idempotent.
    public func shutdown(drainTimeout: Duration? = nil) {
        let loop: EventLoop? = state.withLock { state in
            switch state {
            case .running(let loop, let port):
                state = .draining(loop, port: port)
                return loop
            case .idle:
                state = .stopped(port: 0)
                return nil
            case .draining, .stopped:
                return nil
            }
        }
        guard let loop else { return }
        onDrainStarted?()
        loop.drainRequested.store(true, ordering: .relaxed)
        loop.post(.drain(drainTimeout ?? configuration.drainTimeout))
    }

    /// Blocks until the server has stopped; returns at once if it never started.
    public func waitUntilStopped() {
        stopped.wait()
    }

    /// Starts the server if needed, drains it on SIGTERM or SIGINT, and returns when it has
    /// stopped, so `main` can exit 0. Call `start()` first to handle bind errors yourself: if
    /// starting here fails, the error is logged and this returns at once.
    public func runUntilTerminated() {
        if case .idle = state.withLock({ $0 }) {
            do {
                try start()
            } catch {
                logger.critical("cannot start the HTTP server", metadata: ["error": "\(error)"])
                return
            }
        }
        let queue = DispatchQueue(label: "http-server.signals")
        let sources = [SIGTERM, SIGINT].map { signalNumber in
            // The default action would kill the process before the Dispatch source sees it.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [self] in
                logger.info("signal received; draining", metadata: ["signal": .stringConvertible(signalNumber)])
                shutdown(drainTimeout: nil)
            }
            source.resume()
            return source
        }
        waitUntilStopped()
        sources.forEach { $0.cancel() }
    }

    private func loopStopped() {
        state.withLock { state in
            switch state {
            case .running(_, let port), .draining(_, let port): state = .stopped(port: port)
            case .idle, .stopped: break
            }
        }
        logger.info("stopped")
        stopped.leave()
    }
}
