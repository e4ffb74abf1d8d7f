import CEpoll
import Glibc
import Synchronization

/// What a connection and the worker answering it share across threads.
final class ConnectionSignals: Sendable {
    /// Input arrived while the worker had the request: its report should wake the loop.
    let inputWaiting = Atomic(false)
}

/// One client connection: its parser, buffers, phase and deadline.
///
/// Owned by the event loop's thread; nothing here is touched from elsewhere. A worker sees
/// only the `HTTPRequest` value and the descriptor: while a request is `.processing`, the
/// worker owns the socket's write side and writes the answer itself (one sendmsg), then tells
/// the loop through its inbox; the loop neither writes nor closes the descriptor meanwhile
/// (a close then is deferred, see `close()`), so the number cannot be reused under the worker.
/// One request is handled at a time, so pipelined requests are answered in order.
final class Connection {
    enum Phase {
        /// Receiving (and parsing) a request, or idle between requests.
        case reading
        /// A request is with the worker pool; further input waits in the buffer.
        case processing
        /// A response is being written (the socket buffer was full).
        case writing
        /// The final answer is out and the write side shut; unread input is drained, then closed.
        case closing
        case closed
    }

    let fd: Int32
    let serial: UInt64
    let remoteAddress: String
    /// False for connections accepted past `maxConnections`, answered 503 and closed at once.
    let countsTowardLimit: Bool
    /// The loop owns every connection and outlives it; unowned(unsafe) skips the reference
    /// count traffic that a checked unowned reference costs on every access.
    unowned(unsafe) let loop: EventLoop
    private(set) var phase = Phase.reading

    private var parser: HTTPRequestParser
    private var input = InputBuffer(capacity: 4096)
    /// Reading stopped before the socket was drained (pipelining back-pressure); edge-triggered
    /// epoll will not report those bytes again, so they are read when the request completes.
    private var inputPending = false
    private var peerClosed = false
    private var peerShutdownReported = false

    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var requestStarted = false
    private var requestStart: UInt64 = 0
    private var bytesIn = 0
    /// An answer decided at head time for a body-less request, sent at its end instead of a dispatch.
    private var deferredAnswer: HTTPError?
    /// This connection had part of a request when draining began; that one request may finish.
    private var mayFinishRequestWhileDraining = false

    /// Shared with the worker answering this connection's request.
    let signals = ConnectionSignals()

    /// Closed while a worker owned the socket: shut down now, released when the worker reports.
    private var abandoned = false

    private var output: [[UInt8]] = []
    private var outputOffset = 0
    private var keepAliveAfterWrite = true

    // Intrusive timer list links, managed by `TimerQueue`.
    var timer: TimerKind?
    var deadline: UInt64 = 0
    var timerNext: Connection?
    unowned(unsafe) var timerPrevious: Connection?

    init(fd: Int32, serial: UInt64, remoteAddress: String, countsTowardLimit: Bool, loop: EventLoop) {
        self.fd = fd
        self.serial = serial
        self.remoteAddress = remoteAddress
        self.countsTowardLimit = countsTowardLimit
        self.loop = loop
        self.parser = HTTPRequestParser(limits: loop.configuration.limits)
    }

    deinit { input.deallocate() }

    // MARK: Events from the loop

    /// epoll reported input, and with `peerShutdown` that the peer shut its sending side.
    func readable(peerShutdown: Bool) {
        // With edge triggering the shutdown is reported once, possibly with the last bytes;
        // remember it so reading goes on to the end of stream instead of stopping early.
        if peerShutdown { peerShutdownReported = true }
        switch phase {
        case .closing: discardInput()
        case .closed: return
        case .reading, .processing, .writing:
            receive()
            advance()
        }
    }

    /// epoll reported room in the socket's send buffer.
    func writable() {
        guard !output.isEmpty, phase != .closed, phase != .closing else { return }
        flushAndContinue()
        advance()
    }

    /// The worker pool answered the request this connection sent, having written the first
    /// `written` bytes of `response` itself.
    func answered(_ response: OutgoingResponse, written: Int) {
        guard phase == .processing else { return }
        signals.inputWaiting.store(false, ordering: .relaxed)
        guard !abandoned else {
            phase = .reading  // let close() release the descriptor now
            return close()
        }
        send(response, alreadyWritten: written)
        advance()
    }

    /// Whether a worker may write the answer itself: nothing else is queued before it.
    var acceptsDirectWrite: Bool { output.isEmpty }

    /// Writes `response` from a worker thread with one non-blocking sendmsg; returns the bytes
    /// written (0 on EAGAIN or an error: the loop retries and handles the error itself).
    static func writeDirectly(_ response: OutgoingResponse, to fd: Int32) -> Int {
        let written = response.head.withUnsafeBytes { head in
            response.body.withUnsafeBytes { body in
                withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vectors in
                    vectors[0] = iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress), iov_len: head.count)
                    vectors[1] = iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count)
                    var result: Int
                    repeat {
                        result = cepoll_send_iov(fd, vectors.baseAddress, body.isEmpty ? 1 : 2)
                    } while result < 0 && errno == EINTR
                    return result
                }
            }
        }
        return max(0, written)
    }

    /// A deadline of `kind` passed.
    func timerExpired(_ kind: TimerKind) {
        switch kind {
        case .header where requestStarted && phase == .reading, .body:
            answer(.requestTimeout, keepAlive: false)
        case .header, .idle, .write, .linger:
            close()
        }
    }

    /// The server began draining: idle connections close now (after a last read, so a request
    /// already on the wire is answered 503 `shutting_down` rather than dropped); a request
    /// partly received may still complete and be answered.
    func drainStarted() {
        guard phase == .reading else { return }
        if parser.isBetweenRequests, input.isEmpty, !requestStarted {
            receive()
            guard !input.isEmpty else { return close() }
            advance()
        } else {
            mayFinishRequestWhileDraining = true
        }
    }

    /// Accepted past `maxConnections`: answer 503 at once; the close lingers so it is read.
    func rejectForCapacity() {
        answer(.overloaded, keepAlive: false)
    }

    // MARK: Reading and parsing

    /// Reads until the socket is drained, the peer shut down, or pipelined input is over its cap.
    private func receive() {
        while !peerClosed {
            if phase != .reading, input.count >= loop.configuration.maxPipelinedBytes {
                inputPending = true
                return
            }
            // Bodies are read in large slices; heads and pipelined requests in small ones.
            let space = input.spare(minimum: phase == .reading && head != nil ? 64 * 1024 : 2048)
            let count = read(fd, space.baseAddress, space.count)
            if count > 0 {
                input.commit(count)
                // The next request arrived before the worker's report: ask it to wake the loop.
                if phase == .processing { signals.inputWaiting.store(true, ordering: .sequentiallyConsistent) }
                // A short read took everything the socket held; new data raises a new edge.
                if count < space.count, !peerShutdownReported { break }
            } else if count == 0 {
                peerClosed = true
                if phase == .processing { signals.inputWaiting.store(true, ordering: .sequentiallyConsistent) }
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                return close()
            }
        }
        inputPending = false
    }

    /// Parses buffered input while a request is being received; dispatches complete requests.
    private func advance() {
        while phase == .reading {
            if input.isEmpty, inputPending { receive() }
            if parser.isBetweenRequests {
                guard !input.isEmpty else {
                    if peerClosed { close() }  // a half-closed client that was fully answered
                    return
                }
                if !requestStarted {
                    requestStarted = true
                    requestStart = loop.now
                    loop.arm(self, .header)
                }
            }
            let bytes = input.unread
            let step: (event: HTTPRequestParser.Event?, consumed: Int)
            do {
                step = try parser.parse(bytes)
            } catch {
                bytesIn += bytes.count
                return answer(error, keepAlive: false)
            }
            bytesIn += step.consumed
            switch step.event {
            case nil:
                input.consume(step.consumed)
                if inputPending {
                    receive()
                    continue
                }
                // The client shut its side mid-request: the request can never complete.
                if peerClosed { close() }
                return
            case .head(let head)?:
                input.consume(step.consumed)
                begin(head)
            case .body(let range)?:
                if deferredAnswer == nil { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[range])) }
                input.consume(step.consumed)
            case .end?:
                input.consume(step.consumed)
                end()
            }
        }
    }

    private func begin(_ head: HTTPRequestHead) {
        self.head = head
        if let refusal = admissionRefusal() {
            // Without a body the framing stays intact and the connection may stay open.
            guard head.framing == .none, !refusal.closesConnection else { return answer(refusal, keepAlive: false) }
            deferredAnswer = refusal
            return
        }
        guard head.framing != .none else { return }
        if case .contentLength(let length) = head.framing { body.reserveCapacity(min(length, 1 << 20)) }
        loop.arm(self, .body)
        // RFC 9110 §10.1.1: send 100 Continue only when the body will be read and has not
        // started arriving; a refused request was answered above with its final status.
        if head.expectsContinue, input.isEmpty {
            output.append(ResponseWriter.continueLine)
            if flush() == .failed { close() }
        }
    }

    /// Why a complete head cannot be served now: draining or too many requests in flight.
    private func admissionRefusal() -> HTTPError? {
        if loop.isDraining, !mayFinishRequestWhileDraining { return .shuttingDown }
        if loop.inFlight >= loop.configuration.maxRequestsInFlight { return .overloaded }
        return nil
    }

    private func end() {
        guard let head else { return }
        if let deferredAnswer { return answer(deferredAnswer, keepAlive: head.keepAlive) }
        loop.disarm(self)
        phase = .processing
        var request = HTTPRequest(head: head, body: body, remoteAddress: remoteAddress)
        let isHead = head.method == "HEAD"
        if isHead, loop.configuration.routesHeadAsGet { request.method = "GET" }
        let context = ResponseContext(
            version: head.version, isHead: isHead, keepAlive: head.keepAlive && !peerClosed && !loop.isDraining,
            requestHeaders: head.headers
        )
        body = []
        loop.dispatch(request, context: context, to: self, method: head.method, bytesIn: bytesIn, start: requestStart)
    }

    // MARK: Answering

    /// Sends the server's own answer for `error` (the observer and access log see it too).
    private func answer(_ error: HTTPError, keepAlive: Bool) {
        let context = ResponseContext(
            version: head?.version ?? .http1_1, isHead: head?.method == "HEAD",
            keepAlive: keepAlive && !peerClosed && !loop.isDraining, requestHeaders: HTTPHeaders()
        )
        let response = loop.writer.serialize(.error(error, retryAfterSeconds: loop.configuration.retryAfterSeconds), context: context)
        loop.report(
            method: parser.current?.method ?? "", path: parser.current?.path ?? "", status: response.status,
            bytesIn: bytesIn, bytesOut: response.byteCount, start: requestStarted ? requestStart : loop.now
        )
        send(response)
    }

    private func send(_ response: OutgoingResponse, alreadyWritten: Int = 0) {
        keepAliveAfterWrite = response.keepAlive && !peerClosed
        if !response.head.isEmpty { output.append(response.head) }
        if !response.body.isEmpty { output.append(response.body) }
        dropWritten(alreadyWritten)
        phase = .writing
        flushAndContinue()
    }

    /// Removes `count` sent bytes from the front of the queued output.
    private func dropWritten(_ count: Int) {
        var left = count
        while left > 0, let chunk = output.first {
            let remaining = chunk.count - outputOffset
            if left >= remaining {
                left -= remaining
                output.removeFirst()
                outputOffset = 0
            } else {
                outputOffset += left
                left = 0
            }
        }
    }

    private enum FlushResult { case done, pending, failed }

    /// Writes queued output with one sendmsg per head+body pair until done or EAGAIN.
    private func flush() -> FlushResult {
        while let first = output.first {
            let second = output.count > 1 ? output[1] : nil
            let offset = outputOffset
            let written = first.withUnsafeBytes { a in
                withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vectors in
                    vectors[0] = iovec(iov_base: UnsafeMutableRawPointer(mutating: a.baseAddress! + offset), iov_len: a.count - offset)
                    guard let second else { return cepoll_send_iov(fd, vectors.baseAddress, 1) }
                    return second.withUnsafeBytes { b in
                        vectors[1] = iovec(iov_base: UnsafeMutableRawPointer(mutating: b.baseAddress!), iov_len: b.count)
                        return cepoll_send_iov(fd, vectors.baseAddress, 2)
                    }
                }
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno == EAGAIN || errno == EWOULDBLOCK ? .pending : .failed
            }
            dropWritten(written)
            if !output.isEmpty { loop.restart(self, .write) }  // progress restarts the write deadline
        }
        return .done
    }

    private func flushAndContinue() {
        switch flush() {
        case .pending:
            loop.arm(self, .write)
        case .failed:
            close()
        case .done where phase == .writing:
            responseSent()
        case .done:
            break
        }
    }

    private func responseSent() {
        guard keepAliveAfterWrite, !loop.isDraining else { return startClosing() }
        head = nil
        body = []
        deferredAnswer = nil
        requestStarted = false
        bytesIn = 0
        phase = .reading
        loop.arm(self, .idle)
    }

    // MARK: Closing

    /// RFC 9112 §9.6: close in stages — shut the write side, read and discard what the client
    /// still sends (up to `lingerTimeout`), then close — so a reset cannot destroy the answer.
    private func startClosing() {
        phase = .closing
        shutdown(fd, Int32(SHUT_WR))
        guard !peerClosed else { return close() }
        loop.arm(self, .linger)
        discardInput()
    }

    private func discardInput() {
        let scratch = loop.scratch
        for _ in 0..<16 {
            let count = read(fd, scratch.baseAddress, scratch.count)
            if count > 0 { continue }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            return close()  // end of input or an error: nothing left to wait for
        }
    }

    /// Closes the socket at once and forgets the connection. While a worker owns the socket
    /// (`.processing`), the socket is only shut down; the descriptor is released when the
    /// worker reports, so its number cannot be reused by a new connection under the worker.
    func close() {
        guard phase != .closed else { return }
        if phase == .processing {
            guard !abandoned else { return }
            abandoned = true
            loop.disarm(self)
            shutdown(fd, Int32(SHUT_RDWR))
            return
        }
        phase = .closed
        output = []
        loop.remove(self)
        _ = Glibc.close(fd)
    }
}
