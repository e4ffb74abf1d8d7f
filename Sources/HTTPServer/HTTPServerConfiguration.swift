import CEpoll

/// Everything an `HTTPServer` can be tuned with, as a value with documented defaults.
///
/// Timeouts are enforced by the event loop's timer queues (`EventLoop.expireTimers`); limits
/// by the parser (`limits`) or by the loop (connections, requests in flight).
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind, default `"127.0.0.1"`. `"0.0.0.0"` is every IPv4 interface; `"::"` is
    /// every IPv6 and (dual-stack) IPv4 interface; a name such as `"localhost"` binds every
    /// address it resolves to, on one port.
    public var host: String = "127.0.0.1"

    /// TCP port, default 8080; 0 picks a free ephemeral port (read it from `localPort`).
    public var port: Int = 8080

    /// listen(2) backlog, default 1024 (the kernel caps it at net.core.somaxconn).
    public var backlog: Int = 1024
    /// Listening sockets to serve instead of binding `host` and `port`: descriptors a
    /// supervising process bound and passed on (see `HTTPServer.listen`). They are closed when
    /// the server stops, as its own would be.
    public var listeningDescriptors: [Int32]? = nil

    /// Parser limits: request line (414), header section and field count (431), body (413).
    public var limits = HTTPParserLimits()

    /// Time allowed to receive a whole request head, counted from its first byte (and for a
    /// new connection from the accept), default 10 s. Why: slowloris clients dribble header
    /// bytes forever. Expiry answers 408 and closes (silently when no byte had arrived).
    public var headerTimeout: Duration = .seconds(10)

    /// Time allowed to receive a whole request body, counted from the end of its head,
    /// default 30 s (64 MiB at ≥ 2.2 MB/s). Expiry answers 408 and closes.
    public var bodyTimeout: Duration = .seconds(30)

    /// Time a keep-alive connection may wait for its next request, default 60 s. Expiry
    /// closes silently (RFC 9112 §9.5 lets either side close an idle connection).
    public var idleTimeout: Duration = .seconds(60)

    /// Time a response may wait for the client to read it, restarted on every write that makes
    /// progress, default 30 s. Why: a client that never reads would pin the response in memory.
    public var writeTimeout: Duration = .seconds(30)

    /// After a closing answer (errors, `Connection: close`), how long unread input is still read
    /// and discarded before the socket closes, default 2 s. Why: closing with unread input sends
    /// a TCP reset that can destroy the answer before the client reads it (RFC 9112 §9.6).
    public var lingerTimeout: Duration = .seconds(2)

    /// How long `shutdown` waits for requests in flight before closing everything, default 25 s
    /// (inside Kubernetes' default 30 s termination grace period).
    public var drainTimeout: Duration = .seconds(25)

    /// Handler threads, default the number of cores this process may use (its CPU affinity,
    /// so `taskset` and container CPU sets count). The pool never runs more handlers at once;
    /// further requests queue (bounded by `maxRequestsInFlight`).
    public var workerCount: Int = Int(cepoll_available_cpus())

    /// Most open client connections, default 10,000. Past it, a new connection is accepted,
    /// answered 503 `overloaded` with `Retry-After` and closed.
    public var maxConnections: Int = 10_000

    /// Most requests handed to the worker pool and not yet answered, default 1,024. Past it,
    /// a request is answered 503 `overloaded` with `Retry-After` at once (no unbounded queue).
    public var maxRequestsInFlight: Int = 1_024

    /// Seconds sent in `Retry-After` with 503 `overloaded`, default 1.
    public var retryAfterSeconds: Int = 1

    /// Bytes of pipelined input buffered while a request is being handled, default 64 KiB;
    /// reading pauses past it (TCP flow control then slows the client).
    public var maxPipelinedBytes: Int = 64 * 1024

    /// Smallest response body worth compressing, default 1 KiB: below it gzip's 18-byte
    /// framing and the CPU cost outweigh the gain.
    public var gzipMinimumSize: Int = 1024

    /// zlib compression level 1–9 for responses, default 5 (most of level 9's ratio for JSON
    /// at a fraction of its CPU).
    public var gzipLevel: Int = 5

    /// The `Server` header value, default `"swift-http-server"`.
    public var serverName: String = "swift-http-server"

    /// Whether HEAD requests reach the handler as GET, default true, so every GET route
    /// answers HEAD with the same headers and `Content-Length`; the body is never sent.
    public var routesHeadAsGet: Bool = true

    /// The defaults listed on each property.
    public init() {}

    /// The defaults, with the host and port given.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
