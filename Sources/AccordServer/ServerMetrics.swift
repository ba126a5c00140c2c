import Hummingbird
import Logging
import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's Prometheus metrics (`GET /metrics`): appends, rejections by
/// reason, request latency, and the size of each group of writes handed to
/// the ledger together.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let appends: Counter
    let alreadyRecorded: Counter
    let groupSizes: ValueHistogram
    private let latencies = Mutex([String: DurationHistogram]())
    private let rejections = Mutex([String: Counter]())
    static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                             .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                             .milliseconds(500), .seconds(1), .seconds(5)]

    public init() {
        appends = registry.makeCounter(name: "accord_appends_total", help: "Entries appended to the journal")
        alreadyRecorded = registry.makeCounter(name: "accord_already_recorded_total",
                                               help: "Harmless retries: the same id with the same content")
        groupSizes = registry.makeValueHistogram(name: "accord_group_commit_size", buckets: [1, 2, 4, 8, 16, 32, 64, 128],
                                                 help: "Writes handed to the ledger together")
    }

    func rejected(_ reason: String) {
        let counter = rejections.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = registry.makeCounter(name: "accord_rejections_total", labels: [("reason", reason)],
                                               help: "Requests refused, by problem type")
            counters[reason] = counter
            return counter
        }
        counter.increment()
    }

    func observe(route: String, method: String, nanoseconds: Int64) {
        let key = method + " " + route
        let histogram = latencies.withLock { histograms in
            if let histogram = histograms[key] { return histogram }
            let histogram = registry.makeDurationHistogram(name: "accord_request_duration_seconds",
                                                           labels: [("route", route), ("method", method)],
                                                           buckets: ServerMetrics.latencyBuckets,
                                                           help: "Request latency")
            histograms[key] = histogram
            return histogram
        }
        histogram.recordNanoseconds(nanoseconds)
    }

    func group(_ size: Int) {
        groupSizes.record(Double(size))
    }
}

/// The one middleware: authenticates the caller (``TokenAuthenticator``),
/// turns every error into a problem response, logs one line per request
/// (Hummingbird's request id, actor, route, status, latency; never a token or
/// a body) and records its latency.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AccordContext
    let metrics: ServerMetrics
    let authenticator: TokenAuthenticator

    func handle(_ request: Request, context: AccordContext, next: (Request, AccordContext) async throws -> Response)
        async throws -> Response {
        let start = monotonicNanoseconds()
        var response: Response
        var actor = "-"
        // A 500: logged at error level besides the request line.
        var failure: Problem?
        do {
            var context = context
            context.identity = try await authenticator.authenticate(request: request, context: context)
            actor = context.identity?.name ?? "-"
            response = try await next(request, context)
        } catch let problem as Problem {
            metrics.rejected(problem.kind.rawValue)
            if problem.status.code >= 500, problem.kind != .busy, problem.kind != .unavailable { failure = problem }
            response = try problem.response(from: request, context: context)
        } catch let error as HTTPResponseError {
            let kind: Problem.Kind
            switch error.status.code {
            case 404: kind = .notFound
            case 405: kind = .methodNotAllowed
            case 413: kind = .tooLarge
            case 400..<500: kind = .malformed
            default: kind = .failure
            }
            if kind == .failure { failure = Problem(.failure, "\(error)") }
            var problem: Problem
            let allowed = Route.methods(at: request.uri.path)
            if kind == .notFound || kind == .methodNotAllowed, !allowed.isEmpty {
                // The path exists with other methods: 405 and what it takes.
                let allow = allowed.map(\.rawValue).joined(separator: ", ")
                problem = Problem(.methodNotAllowed, "\(request.uri.path) answers \(allow), not \(request.method.rawValue)")
                problem.headers[.allow] = allow
            } else {
                let detail = kind == .tooLarge ? "the request body is larger than this route accepts"
                    : kind == .notFound ? "no route \(request.method.rawValue) \(request.uri.path)" : "\(error)"
                problem = Problem(kind, detail)
            }
            metrics.rejected(problem.kind.rawValue)
            response = try problem.response(from: request, context: context)
        } catch {
            metrics.rejected(Problem.Kind.failure.rawValue)
            failure = Problem(.failure, "the server failed: \(error)")
            response = try Problem(.failure, "the server failed: \(error)").response(from: request, context: context)
        }
        let route = context.endpointPath ?? "unmatched"
        let elapsed = monotonicNanoseconds() - start
        metrics.observe(route: route, method: request.method.rawValue, nanoseconds: elapsed)
        if let failure {
            // A ledger altered with other tools, or a server failure: an operator must look. The
            // line carries the request id (the logger's metadata) and the problem, never a token or body.
            context.logger.error("request failed", metadata: [
                "route": "\(route)", "method": "\(request.method.rawValue)", "actor": "\(actor)",
                "status": "\(response.status.code)", "problem": "\(failure.kind.type)", "detail": "\(failure.detail)",
            ])
        }
        context.logger.info("request", metadata: [
            "route": "\(route)", "method": "\(request.method.rawValue)", "actor": "\(actor)",
            "status": "\(response.status.code)", "latency_ms": "\(Double(elapsed / 1000) / 1000)",
        ])
        return response
    }
}

func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}
