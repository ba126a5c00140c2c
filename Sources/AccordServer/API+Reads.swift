import AccordLedger
import Crypto
import Hummingbird
import Synchronization

/// The read routes: reports, lists, proofs and the streamed exports, each
/// logged in the access log when it hands out data.
extension API {
    func read(_ route: Route, _ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        let query = context.query
        func value(_ name: String) -> String? { query[name] }
        var report: ReportParameters {
            ReportParameters(at: value("at"), asOf: value("asOf"), minConfidence: value("minConfidence"),
                             agreement: value("agreement"), party: value("party"))
        }
        var presentation: Presentation {
            get throws {
                Presentation(format: value("format"), section: value("section"), header: try query.flag("header") ?? true,
                             raw: try query.flag("raw") ?? false)
            }
        }
        let readRequest: ReadRequest
        var logged = false
        switch route.path {
        case "/v1/report": readRequest = .report(report, try presentation)
        case "/v1/breaches":
            var parameters = BreachParameters()
            parameters.party = value("party")
            parameters.commitment = value("commitment")
            parameters.since = value("since")
            parameters.until = value("until")
            parameters.at = value("at")
            parameters.asOf = value("asOf")
            parameters.severity = value("severity")
            parameters.status = value("status")
            parameters.guarantor = value("guarantor")
            parameters.minConfidence = value("minConfidence")
            readRequest = .breaches(parameters, try presentation)
        case "/v1/commitments": readRequest = .commitments(agreement: value("agreement"), party: value("party"), at: value("at"))
        case "/v1/commitments/{id}":
            readRequest = .commitment(id: try PathParameter.get("id", context), at: value("at"), minConfidence: value("minConfidence"),
                                      presentation: try presentation)
        case "/v1/history/{entry}":
            readRequest = .history(entry: try PathParameter.get("entry", context), asOf: value("asOf"), presentation: try presentation)
        case "/v1/export/{table}":
            readRequest = .export(table: try PathParameter.get("table", context), format: value("format"), asOf: value("asOf"),
                                  at: value("at"), status: value("status"), header: try query.flag("header") ?? true,
                                  raw: try query.flag("raw") ?? false)
            logged = true
        case "/v1/brief":
            readRequest = .brief(format: value("format"), report: report, since: value("since"), remote: value("remote"))
            logged = true
        case "/v1/journal":
            readRequest = .journal
            logged = true
        case "/v1/proofs/inclusion":
            guard let seq = value("seq") else { throw QueryParameters.problem(.invalid, "seq", "seq is required") }
            readRequest = .inclusionProof(seq: seq, size: value("size"))
        case "/v1/proofs/consistency":
            guard let old = value("old") else { throw QueryParameters.problem(.invalid, "old", "old is required") }
            readRequest = .consistencyProof(old: old, new: value("new"))
        case "/v1/checkpoint": readRequest = .checkpoint
        default: throw Problem(.notFound, "no route \(route.path)")
        }
        // Exports, journal exports and briefs are heavy: at most so many at once (503 beyond).
        let permit = logged ? try heavyReads.acquire() : nil
        do {
            if case .brief = readRequest {} else if logged {
                return try await streamed(readRequest, caller, route, request, context, permit: permit)
            }
            let body = try await service.read(readRequest)
            if logged, let caller { try await log(caller, route, request, context, status: 200, rows: body.rows) }
            var headers: HTTPFields = [.contentType: body.contentType, API.contentTypeOptions: "nosniff"]
            if body.contentType.hasPrefix("text/html") {
                // The brief: its own inline style, nothing else (no scripts, frames, forms or outside fetches).
                headers[API.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
        } catch let error as ServiceError {
            var problem = Problem(error)
            if case .invalid(let field?) = error.kind { problem.pointer = "/" + field }
            if case .notFound = error.kind, let id = error.id, let name = query.name(holding: id) {
                problem = QueryParameters.problem(.notFound, name, problem.detail)  // the query parameter that named it
            }
            if logged, let caller { try? await log(caller, route, request, context, status: Int(problem.status.code), rows: nil) }
            throw problem
        }
    }

    /// An export or the journal, streamed: the response is answered once the
    /// first chunk is ready (an error before it is the usual problem), then
    /// the body is written chunk by chunk as the reader renders it (chunked
    /// transfer, no Content-Length). The access log row is written when the
    /// body has been sent, with the rows the client was sent, before the
    /// body's end: if it cannot be written the connection is aborted. An
    /// error after the first byte, or a client that goes away, ends the body
    /// by aborting the connection (a truncated body never looks whole), and is
    /// logged with status 500 (the read failed) or 499 (the client closed the
    /// connection) and the rows wholly sent.
    func streamed(_ readRequest: ReadRequest, _ caller: Caller?, _ route: Route, _ request: Request, _ context: AccordContext,
                  permit: HeavyReads.Permit?) async throws -> Response {
        let stream = try await service.stream(readRequest)
        let headers: HTTPFields = [.contentType: stream.contentType, API.contentTypeOptions: "nosniff"]
        let stall = Duration.seconds(limits.idleTimeoutSeconds)
        let body = ResponseBody { writer in
            let watch = StreamWatch()
            // A client that stops reading would hold its reader, snapshot and
            // slot for ever (the idle timeout does not run while a response is
            // being written): after the idle timeout without progress the
            // read is stopped, logged (408) and the connection closed.
            let watchdog = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: stall / 4)
                    guard watch.stalled(for: stall) else { continue }
                    stream.cancel()
                    permit?.release()
                    if let caller, let rows = watch.claimLog() {
                        try? await log(caller, route, request, context, status: 408, rows: rows)
                    }
                    context.channel.close(promise: nil)
                    return
                }
            }
            defer { watchdog.cancel() }
            do {
                while let chunk = try await stream.next() {
                    try await writer.write(ByteBuffer(bytes: chunk.bytes))
                    watch.progress(rowsSent: chunk.rowsThrough)
                }
            } catch {
                stream.cancel()
                let status = error is ServiceError ? 500 : 499
                if let caller, let rows = watch.claimLog() {
                    do {
                        try await log(caller, route, request, context, status: status, rows: rows)
                    } catch {
                        context.logger.error("the access log row of a stream that ended early was not written: \(error)")
                    }
                }
                throw error
            }
            if let caller {
                guard watch.claimLog() != nil else { throw CancellationError() }  // the watchdog logged it
                try await log(caller, route, request, context, status: 200, rows: stream.rows ?? watch.rowsSent)
            }
            try await writer.finish(nil)
            // The permit is held until the body is written (or dropped with the response).
            permit?.release()
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The progress of a streamed body, and whether its access-log row is written.
    final class StreamWatch: Sendable {
        private struct State {
            var last = ContinuousClock.now
            var rowsSent = 0
            var logged = false
        }
        private let state = Mutex(State())

        func progress(rowsSent: Int) {
            state.withLock { state in
                state.last = .now
                state.rowsSent = rowsSent
            }
        }

        var rowsSent: Int { state.withLock { $0.rowsSent } }

        func stalled(for limit: Duration) -> Bool {
            state.withLock { !$0.logged && ContinuousClock.now - $0.last > limit }
        }

        /// The rows sent, the first time only: whoever claims it writes the row.
        func claimLog() -> Int? {
            state.withLock { state in
                if state.logged { return nil }
                state.logged = true
                return state.rowsSent
            }
        }
    }

    /// Records an export, journal or brief request; the query as the route
    /// read it (known parameters only: nothing else a client sends is kept).
    func log(_ caller: Caller, _ route: Route, _ request: Request, _ context: AccordContext, status: Int, rows: Int?) async throws {
        let record = AccessRecord(at: Timestamp.system().iso8601, actor: caller.name, role: caller.role.rawValue,
                                  method: route.method.rawValue, route: try API.loggedRoute(route, context), query: context.query.logged,
                                  status: status, rows: rows.map(Int64.init))
        do {
            try await service.recordAccess(record)
        } catch {
            throw Problem(error)
        }
    }

    func accessLog(_ request: Request, _ context: AccordContext, _ caller: Caller?) async throws -> Response {
        let limit = try context.query.number("limit")
        let records: [AccessRecord]
        do {
            records = try await service.accessLog(limit: limit)
        } catch {
            throw Problem(error)
        }
        let items = records.map { record in
            ProblemValue.object([
                ("id", .int(record.id)), ("at", .string(record.at)), ("actor", .string(record.actor)), ("role", .string(record.role)),
                ("method", .string(record.method)), ("route", .string(record.route)),
                ("query", record.query.map { .string($0) } ?? .null), ("status", .int(Int64(record.status))),
                ("rows", record.rows.map { .int($0) } ?? .null), ("verified", .bool(false)),
            ])
        }
        var response = API.json(.ok, ProblemValue.array(items).serialized())
        response.headers[API.accessLogVerifiedField] = "false; " + API.accessLogUnverified
        return response
    }

}
