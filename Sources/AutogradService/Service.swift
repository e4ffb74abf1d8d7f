import AutogradProgram
import Foundation
import HTTPServer
import Logging
import Synchronization

/// The gradient service: API.md's routes over the program layer, with metrics and readiness.
/// The glue between the HTTP server (which knows nothing of tensors) and the program layer
/// (which knows nothing of HTTP).
public final class Service: Sendable {
    let evaluator: Evaluator
    public let metrics: ServiceMetrics
    private let draining = Atomic<Bool>(false)

    public init(limits: ProgramLimits = ProgramLimits(), metrics: ServiceMetrics = ServiceMetrics()) {
        self.evaluator = Evaluator(limits: limits)
        self.metrics = metrics
    }

    /// Marks the service as draining: `/readyz` answers 503 from now on.
    public func startDraining() { draining.store(true, ordering: .relaxed) }

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Answers one request. Runs on the HTTP server's worker pool.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        metrics.requestStarted()
        defer { metrics.requestFinished() }
        return route(request)
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        guard let route = Route(path: request.path) else {
            return .error(status: 404, code: "not_found", message: "no route for \(request.path)")
        }
        guard route.methods.contains(request.method) || (request.method == "HEAD" && route.methods.contains("GET")) else {
            var response = HTTPResponse.error(status: 405, code: "method_not_allowed",
                                              message: "\(request.method) is not allowed on \(route.path); use \(route.allow)")
            response.headers.add(name: "Allow", value: route.allow)
            return response
        }
        switch route {
        case .evaluate: return evaluate(request)
        case .ops: return .json(Catalog.json)
        case .health: return .json("{\"status\":\"ok\"}")
        case .ready:
            return isDraining ? .error(status: 503, code: "shutting_down", message: "the server is draining")
                              : .json("{\"status\":\"ready\"}")
        case .metrics:
            var response = HTTPResponse(status: 200, body: metrics.exposition())
            response.headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            return response
        case .openAPI: return Self.resource(Resources.openAPI, type: "application/yaml")
        case .playground: return Self.resource(Resources.playground, type: "text/html; charset=utf-8")
        }
    }

    private func evaluate(_ request: HTTPRequest) -> HTTPResponse {
        if let type = request.headers["Content-Type"], !Self.isJSON(type) {
            return .error(status: 415, code: "unsupported_media_type",
                          message: "POST /v1/evaluate takes application/json, not \(type)")
        }
        metrics.evaluationStarted()
        let (answer, leftovers) = evaluator.evaluateLeavingCleanup(request.body)
        metrics.evaluationFinished(errorCode: answer.errorCode?.rawValue)
        var response = HTTPResponse.json(status: answer.status, answer.body)
        response.afterSending = {   // a large graph takes a while to free
            let nodes = leftovers.nodesRecorded
            leftovers.free()
            if nodes >= Self.nodesWorthTrimming { Memory.returnFreedToSystem() }
        }
        return response
    }

    /// A program that recorded this many nodes (hundreds of megabytes of small objects) has its
    /// freed memory given back to the system afterwards, not kept by the allocator for the next.
    static let nodesWorthTrimming = 1_000_000

    /// `application/json`, with or without parameters (`; charset=utf-8`), or any `+json` type;
    /// an empty type is none.
    static func isJSON(_ contentType: String) -> Bool {
        let type = mediaType(of: contentType)
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    private static func resource(_ bytes: [UInt8], type: String) -> HTTPResponse {
        var response = HTTPResponse(status: 200, body: bytes)
        response.headers.add(name: "Content-Type", value: type)
        return response
    }
}

/// The service's routes: a fixed set, which also bounds the metrics' label values.
enum Route: CaseIterable {
    case evaluate, ops, health, ready, metrics, openAPI, playground

    init?(path: String) {
        guard let route = Route.allCases.first(where: { $0.path == path }) else { return nil }
        self = route
    }

    var path: String {
        switch self {
        case .evaluate: "/v1/evaluate"
        case .ops: "/v1/ops"
        case .health: "/healthz"
        case .ready: "/readyz"
        case .metrics: "/metrics"
        case .openAPI: "/openapi.yaml"
        case .playground: "/"
        }
    }

    var methods: [String] { self == .evaluate ? ["POST"] : ["GET"] }

    /// The `Allow` header of a 405.
    var allow: String { self == .evaluate ? "POST" : "GET, HEAD" }

    /// The label metrics use for a request path: the route, or `other`.
    static func label(_ path: String) -> String { Route(path: path)?.path ?? "other" }
}

/// The static documents the service serves, read once from the module's resource bundle.
enum Resources {
    static let openAPI = load("openapi", "yaml")
    static let playground = load("playground", "html")

    private static func load(_ name: String, _ ext: String) -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext),
              let data = try? Data(contentsOf: url) else {
            preconditionFailure("the \(name).\(ext) resource is missing from the bundle")
        }
        return [UInt8](data)
    }
}
