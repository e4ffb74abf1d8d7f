import CEpoll
import Glibc
import Logging
import Synchronization

/// The I/O thread: one edge-triggered epoll instance watching the listening sockets, every
/// connection and an eventfd that other threads use to wake it.
///
/// It accepts, reads, parses, writes and enforces deadlines; handlers run on the `WorkerPool`,
/// whose answers come back through the inbox (a locked array plus one eventfd write per
/// batch). Everything but the inbox is confined to the loop's thread, hence `@unchecked Sendable`.
final class EventLoop: @unchecked Sendable {
    enum Message: Sendable {
        /// A worker answered; it already wrote the first `written` bytes to the socket.
        case answered(fd: Int32, serial: UInt64, OutgoingResponse, written: Int)
        case drain(Duration)
    }

    let configuration: HTTPServerConfiguration
    let writer: ResponseWriter
    /// Scratch space for input that is read only to be discarded (lingering closes).
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// The loop's clock, read once per iteration after epoll_wait returns.
    private(set) var now = Monotonic.now()
    /// Requests handed to the worker pool whose handler has not finished; decremented by the
    /// worker itself, so a client that already has its answer is never counted as waiting.
    private let requestsInFlight = Atomic(0)
    var inFlight: Int { requestsInFlight.load(ordering: .relaxed) }
    private(set) var isDraining = false
    /// Set from any thread as soon as a drain is requested, so that workers serialising an
    /// answer after that moment already announce `Connection: close`.
    let drainRequested = Atomic(false)

    private let logger: Logger
    private let handler: HTTPHandler
    private let observer: HTTPExchangeObserver?
    private var pool: WorkerPool!  // set once at the end of init (it refers back to the loop)
    private let onStop: @Sendable () -> Void
    private let epoll: Int32
    private let wakeFD: Int32
    private var listeners: [Int32]
    private var connections: [Connection?] = []
    private var openConnections = 0
    private var rejectedConnections = 0
    private var nextSerial: UInt64 = 0
    private var timers: [TimerQueue]
    private var acceptResumesAt: UInt64?
    private var drainDeadline: UInt64?
    private var running = true

    private struct Inbox {
        var messages: [Message] = []
        /// An eventfd write is outstanding: the loop will wake and take the messages.
        var signaled = false
        var closed = false
    }
    private let inbox = Mutex(Inbox())
    private var inboxBatch: [Message] = []

    /// epoll tokens: a connection's is its descriptor; these tags mark the others.
    private static let listenerTag: UInt64 = 1 << 32
    private static let wakeToken: UInt64 = 1 << 33

    init(
        configuration: HTTPServerConfiguration, listeners: [Int32], logger: Logger,
        handler: @escaping HTTPHandler, observer: HTTPExchangeObserver?, onStop: @escaping @Sendable () -> Void
    ) throws(HTTPError) {
        self.configuration = configuration
        self.writer = ResponseWriter(configuration: configuration)
        self.listeners = listeners
        self.logger = logger
        self.handler = handler
        self.observer = observer
        self.onStop = onStop
        self.timers = TimerKind.allCases.map { kind in
            switch kind {
            case .header: TimerQueue(duration: configuration.headerTimeout)
            case .body: TimerQueue(duration: configuration.bodyTimeout)
            case .idle: TimerQueue(duration: configuration.idleTimeout)
            case .write: TimerQueue(duration: configuration.writeTimeout)
            case .linger: TimerQueue(duration: configuration.lingerTimeout)
            }
        }
        epoll = cepoll_create()
        guard epoll >= 0 else { throw .system(operation: "epoll_create1", errno: errno) }
        wakeFD = cepoll_eventfd()
        guard wakeFD >= 0 else {
            _ = close(epoll)
            throw .system(operation: "eventfd", errno: errno)
        }
        // The eventfd is level-triggered and drained on wake-up; the listeners edge-triggered
        // and accepted from until EAGAIN.
        _ = cepoll_add(epoll, wakeFD, CEPOLL_IN, Self.wakeToken)
        for fd in listeners {
            _ = cepoll_add(epoll, fd, CEPOLL_IN | CEPOLL_ET, Self.listenerTag | UInt64(fd))
        }
        pool = WorkerPool(width: configuration.workerCount) { [weak self] in self?.wakeIfPending() }
    }

    deinit { scratch.deallocate() }

    // MARK: Thread-safe entry points

    /// Hands a message to the loop from any thread. With `wake`, the loop is woken now (one
    /// eventfd write per batch); without, the message waits for the loop's next wake-up or for
    /// `wakeIfPending()`. Returns false once the loop has stopped.
    @discardableResult
    func post(_ message: Message, wake: Bool = true) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.closed else { return false }
            inbox.messages.append(message)
            if wake { Self.signal(&inbox, wakeFD) }
            return true
        }
    }

    /// Wakes the loop if messages wait without a wake-up on their way.
    func wakeIfPending() {
        inbox.withLock { inbox in
            if !inbox.closed, !inbox.messages.isEmpty { Self.signal(&inbox, wakeFD) }
        }
    }

    /// Done under the inbox lock, so the descriptor cannot be closed (and reused) meanwhile.
    private static func signal(_ inbox: inout Inbox, _ wakeFD: Int32) {
        guard !inbox.signaled else { return }
        inbox.signaled = true
        cepoll_eventfd_signal(wakeFD)
    }

    // MARK: The loop

    func run() {
        var events = [cepoll_event](repeating: cepoll_event(), count: 256)
        while running {
            now = Monotonic.now()
            let count = cepoll_wait(epoll, &events, Int32(events.count), nextTimeout())
            now = Monotonic.now()
            if count < 0 {
                if errno == EINTR { continue }  // a signal interrupted the wait: no error
                logger.critical("epoll_wait failed", metadata: ["errno": "\(errno)"])
                break
            }
            for index in 0..<Int(count) {
                handle(events[index])
            }
            processInbox()
            expireTimers()
            if isDraining, openConnections + rejectedConnections == 0, inFlight == 0 { break }
            if let drainDeadline, now >= drainDeadline {
                logger.warning("drain timeout passed; closing remaining connections", metadata: ["open": "\(openConnections)", "in_flight": "\(inFlight)"])
                break
            }
        }
        stop()
    }

    private func handle(_ event: cepoll_event) {
        if event.token == Self.wakeToken {
            cepoll_eventfd_drain(wakeFD)
        } else if event.token & Self.listenerTag != 0 {
            accept(from: Int32(truncatingIfNeeded: event.token))
        } else {
            let fd = Int(event.token)
            guard fd < connections.count, let connection = connections[fd] else { return }
            // HUP: both directions are shut; ERR: the peer reset. Nothing more can be sent.
            if event.events & (CEPOLL_ERR | CEPOLL_HUP) != 0 { return connection.close() }
            if event.events & CEPOLL_OUT != 0 { connection.writable() }
            if event.events & (CEPOLL_IN | CEPOLL_RDHUP) != 0 { connection.readable(peerShutdown: event.events & CEPOLL_RDHUP != 0) }
        }
    }

    private func processInbox() {
        inbox.withLock { inbox in
            swap(&inbox.messages, &inboxBatch)
            inbox.signaled = false
        }
        for message in inboxBatch {
            switch message {
            case .answered(let fd, let serial, let response, let written):
                // The serial guards against a descriptor closed and reused meanwhile.
                if Int(fd) < connections.count, let connection = connections[Int(fd)], connection.serial == serial {
                    connection.answered(response, written: written)
                }
            case .drain(let timeout):
                beginDrain(timeout: timeout)
            }
        }
        inboxBatch.removeAll(keepingCapacity: true)
    }

    // MARK: Accepting

    private func accept(from listener: Int32) {
        guard !isDraining else { return }
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = cepoll_accept(listener, &address, &length)
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                default:
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM: out of resources. The pending connections
                    // stay in the backlog; retry shortly (edge-triggered epoll will not remind us).
                    logger.warning("accept failed; retrying in 100 ms", metadata: ["errno": "\(errno)"])
                    acceptResumesAt = now + 100_000_000
                    return
                }
            }
            // Each response goes out in one writev; Nagle would hold its tail for an ACK.
            _ = cepoll_set_no_delay(fd)
            let overLimit = openConnections >= configuration.maxConnections
            // Connections refused for capacity are answered and linger briefly; bound those too.
            if overLimit, rejectedConnections >= max(64, configuration.maxConnections / 8) {
                _ = close(fd)
                continue
            }
            nextSerial += 1
            let connection = Connection(
                fd: fd, serial: nextSerial, remoteAddress: Socket.describe(address).text,
                countsTowardLimit: !overLimit, loop: self
            )
            guard cepoll_add(epoll, fd, CEPOLL_IN | CEPOLL_OUT | CEPOLL_RDHUP | CEPOLL_ET, UInt64(fd)) == 0 else {
                _ = close(fd)
                continue
            }
            if Int(fd) >= connections.count {
                connections.append(contentsOf: repeatElement(nil, count: max(Int(fd) + 1 - connections.count, connections.count)))
            }
            connections[Int(fd)] = connection
            if overLimit { rejectedConnections += 1 } else { openConnections += 1 }
            arm(connection, .header)  // a new connection must send its first head in time
            if overLimit { connection.rejectForCapacity() }
        }
    }

    /// Forgets a closed connection.
    func remove(_ connection: Connection) {
        disarm(connection)
        connections[Int(connection.fd)] = nil
        if connection.countsTowardLimit { openConnections -= 1 } else { rejectedConnections -= 1 }
    }

    // MARK: Handing requests to the workers

    /// Runs the handler for `request` on the worker pool; the answer returns through `post`.
    func dispatch(_ request: HTTPRequest, context: ResponseContext, to connection: Connection, method: String, bytesIn: Int, start: UInt64) {
        requestsInFlight.add(1, ordering: .relaxed)
        let fd = connection.fd, serial = connection.serial
        let writesDirectly = connection.acceptsDirectWrite
        let signals = connection.signals
        pool.submit { [self] in
            var request = request
            let response: HTTPResponse
            do throws(HTTPError) {
                try Gzip.decodeBody(of: &request, limit: configuration.limits.maxBodySize)
                response = handler(request)
            } catch {
                response = .error(error, retryAfterSeconds: configuration.retryAfterSeconds)
            }
            var context = context
            if drainRequested.load(ordering: .relaxed) { context.keepAlive = false }
            let outgoing = writer.serialize(response, context: context)
            // The worker owns the socket's write side until it reports: writing here saves the
            // loop a wake-up and a hop per response. The loop is woken at once only when it has
            // work to do for this answer (a partial write, a close); otherwise the report waits
            // for the loop's next wake-up or the end of the worker's batch (`wakeIfPending`).
            let written = writesDirectly ? Connection.writeDirectly(outgoing, to: fd) : 0
            requestsInFlight.subtract(1, ordering: .relaxed)
            let needsLoop = written < outgoing.byteCount || !outgoing.keepAlive || drainRequested.load(ordering: .relaxed)
            if !post(.answered(fd: fd, serial: serial, outgoing, written: written), wake: needsLoop) {
                _ = close(fd)  // the loop stopped while the handler ran: the descriptor is ours to release
            } else if signals.inputWaiting.load(ordering: .sequentiallyConsistent) {
                // The loop holds the client's next request for this connection: wake it now.
                // Checked after posting; the loop sets the flag before reading the inbox, so
                // either it sees this report or this load sees its flag.
                wakeIfPending()
            }
            report(method: method, path: request.path, status: outgoing.status, bytesIn: bytesIn, bytesOut: outgoing.byteCount, start: start)
            // Not preceded by a wake-up: one per answer cost a quarter of the requests per second,
            // and the loop already wakes for what cannot wait (above); a long piece of work only
            // delays its bookkeeping of this connection (the idle timer's start).
            response.afterSending?()
        }
    }

    /// Tells the observer and the access log about an answered request.
    func report(method: String, path: String, status: Int, bytesIn: Int, bytesOut: Int, start: UInt64) {
        let hasObserver = observer != nil
        let logs = logger.logLevel <= .info
        guard hasObserver || logs else { return }
        let record = HTTPExchangeRecord(
            method: method, path: path, status: status, bytesIn: bytesIn, bytesOut: bytesOut,
            duration: .nanoseconds(Int64(Monotonic.now() &- start))
        )
        observer?(record)
        if logs { AccessLog.log(record, to: logger) }
    }

    // MARK: Deadlines

    /// Puts `connection` under a deadline of `kind`; keeps the current one if it is of that kind.
    func arm(_ connection: Connection, _ kind: TimerKind) {
        guard connection.timer != kind else { return }
        restart(connection, kind)
    }

    /// Puts `connection` under a fresh deadline of `kind`.
    func restart(_ connection: Connection, _ kind: TimerKind) {
        disarm(connection)
        timers[kind.rawValue].append(connection, now: now)
        connection.timer = kind
    }

    func disarm(_ connection: Connection) {
        guard let kind = connection.timer else { return }
        timers[kind.rawValue].remove(connection)
        connection.timer = nil
    }

    private func expireTimers() {
        for kind in TimerKind.allCases {
            while let connection = timers[kind.rawValue].first, connection.deadline <= now {
                disarm(connection)
                connection.timerExpired(kind)
            }
        }
        if let resume = acceptResumesAt, resume <= now {
            acceptResumesAt = nil
            listeners.forEach(accept(from:))
        }
    }

    /// Milliseconds until the earliest deadline (rounded up), or -1 to sleep until an event.
    private func nextTimeout() -> Int32 {
        var earliest = [acceptResumesAt, drainDeadline].compactMap { $0 }.min()
        for queue in timers {
            if let deadline = queue.first?.deadline { earliest = min(earliest ?? deadline, deadline) }
        }
        guard let earliest else { return -1 }
        guard earliest > now else { return 0 }
        return Int32(clamping: (earliest - now + 999_999) / 1_000_000)
    }

    // MARK: Draining and stopping

    private func beginDrain(timeout: Duration) {
        guard !isDraining else { return }
        isDraining = true
        drainDeadline = now &+ Monotonic.nanoseconds(timeout)
        // Stop accepting: closed listeners make the kernel refuse new connections.
        for fd in listeners {
            _ = cepoll_remove(epoll, fd)
            _ = close(fd)
        }
        listeners = []
        for connection in connections.compactMap({ $0 }) {
            connection.drainStarted()
        }
        logger.info("draining", metadata: ["open": "\(openConnections)", "in_flight": "\(inFlight)"])
    }

    /// Closes the loop's descriptors when its thread could not be started.
    func releaseWithoutRunning() {
        for fd in listeners { _ = close(fd) }
        listeners = []
        inbox.withLock { inbox in
            inbox.closed = true
            _ = close(wakeFD)
        }
        _ = close(epoll)
    }

    private func stop() {
        // Connections whose worker still runs are only shut down; that worker releases the
        // descriptor when its report is refused below.
        for connection in connections.compactMap({ $0 }) { connection.close() }
        for fd in listeners { _ = close(fd) }
        listeners = []
        let unprocessed = inbox.withLock { inbox in
            inbox.closed = true
            _ = close(wakeFD)
            return inbox.messages
        }
        for case .answered(let fd, _, _, _) in unprocessed { _ = close(fd) }
        _ = close(epoll)
        running = false
        onStop()
    }
}
