import CoreMetrics
import HTTPServer
import Prometheus

/// The service's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (so that tests can run several services in one process) and exposed at `/metrics`.
public final class ServiceMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let inFlight: Meter
    private let evaluationsInFlight: Meter

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
    }

    /// Records one answered request (the HTTP server's observer, called for every answer,
    /// including the server's own 4xx/5xx).
    public func record(_ exchange: HTTPExchangeRecord) {
        let route = Route.label(exchange.path)
        let status = String(exchange.status)
        Counter(label: "http_requests_total", dimensions: [("route", route), ("status", status)], factory: factory).increment()
        Timer(label: "http_request_duration_seconds", dimensions: [("route", route)], preferredDisplayUnit: .seconds, factory: factory)
            .recordNanoseconds(exchange.duration.nanoseconds)
        Counter(label: "http_request_bytes_total", dimensions: [("route", route)], factory: factory).increment(by: exchange.bytesIn)
        Counter(label: "http_response_bytes_total", dimensions: [("route", route)], factory: factory).increment(by: exchange.bytesOut)
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
