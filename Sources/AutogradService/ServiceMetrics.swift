import CoreMetrics
import HTTPServer
import Prometheus
import Synchronization

/// The service's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (so that tests can run several services in one process) and exposed at `/metrics`.
public final class ServiceMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let inFlight: Meter
    private let evaluationsInFlight: Meter
    /// Each route's handles, made once (`Route.label`'s labels): a factory validates the name
    /// and looks it up in the registry under a lock at every call, which made per request cost
    /// 3.6 % of the server's time.
    private let routes: [String: RouteHandles]
    /// `http_requests_total` by route and status, made at a pair's first request.
    private let requestCounters = Mutex<[RouteStatus: CoreMetrics.Counter]>([:])

    private struct RouteHandles: Sendable {
        let duration: CoreMetrics.Timer
        let bytesIn: CoreMetrics.Counter
        let bytesOut: CoreMetrics.Counter
    }

    private struct RouteStatus: Hashable, Sendable {
        let route: String
        let status: Int
    }

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        inFlight = Meter(label: "http_requests_in_flight", factory: factory)
        evaluationsInFlight = Meter(label: "evaluations_in_flight", factory: factory)
        var routes: [String: RouteHandles] = [:]
        for route in Route.allCases.map(\.path) + ["other"] {
            routes[route] = RouteHandles(
                duration: Timer(label: "http_request_duration_seconds", dimensions: [("route", route)],
                                preferredDisplayUnit: .seconds, factory: factory),
                bytesIn: Counter(label: "http_request_bytes_total", dimensions: [("route", route)], factory: factory),
                bytesOut: Counter(label: "http_response_bytes_total", dimensions: [("route", route)], factory: factory))
        }
        self.routes = routes
    }

    /// Records one answered request (the HTTP server's observer, called for every answer,
    /// including the server's own 4xx/5xx).
    public func record(_ exchange: HTTPExchangeRecord) {
        let route = Route.label(exchange.path)
        requestCounter(route: route, status: exchange.status).increment()
        let handles = routes[route]!   // every label Route.label answers
        handles.duration.recordNanoseconds(exchange.duration.nanoseconds)
        handles.bytesIn.increment(by: exchange.bytesIn)
        handles.bytesOut.increment(by: exchange.bytesOut)
    }

    private func requestCounter(route: String, status: Int) -> CoreMetrics.Counter {
        let key = RouteStatus(route: route, status: status)
        if let counter = requestCounters.withLock({ $0[key] }) { return counter }
        let counter = Counter(label: "http_requests_total", dimensions: [("route", route), ("status", String(status))],
                              factory: factory)
        requestCounters.withLock { $0[key] = counter }
        return counter
    }

    /// An evaluation began.
    func evaluationStarted() { evaluationsInFlight.increment() }

    /// An evaluation ended; counts its error by code.
    func evaluationFinished(errorCode: String?) {
        evaluationsInFlight.decrement()
        if let errorCode {
            Counter(label: "evaluation_errors_total", dimensions: [("code", errorCode)], factory: factory).increment()
        }
    }

    /// A request entered or left a handler.
    func requestStarted() { inFlight.increment() }
    func requestFinished() { inFlight.decrement() }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
